using Grassroots.Domain.Caching;
using Grassroots.Domain;
using Grassroots.Domain.Persistence;

namespace Grassroots.Silo.Security;

/// <summary>
/// An API key: the record and the SHA-256 of its secret. Its one stored copy is its row of the api_keys table, which
/// `keys list` and GET /api/keys read too: the grain loads the row on activation and writes it, with the change-log entry,
/// in one transaction.
/// </summary>
[GrainType("api-key")]
public sealed class ApiKeyGrain(ApiKeyTable table, LegacyGrainState legacy, SiloCaches caches, UpgradeWindow upgrade, TimeProvider clock) : Grain, IApiKeyGrain
{
    private ApiKeyRecord? _key;
    private string? _secretHash; // null for a key with no hash anywhere: it is listed, but no presented key matches it

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (await table.LoadAsync(this.GetPrimaryKeyString()) is not { } row) return;
        var (key, hash) = row;
        (_key, _secretHash) = (key, hash);
        if (hash is not null) return;
        // A release before migration 0013 kept the hash in the key's grain state only (written before the row, so it is
        // never behind it); once moved into the row it is never read again.
        if (await legacy.ReadAsync<ApiKeyState>(Constants.StateNames.ApiKey, this.GetGrainId()) is { Key: { } stored, SecretHash: { } storedHash })
        {
            await table.AdoptAsync(stored, storedHash);
            (_key, _secretHash) = (key.IsRevoked ? key : stored, storedHash);
        }
    }

    public Task<ApiKeyRecord?> GetAsync() => Task.FromResult(_key);

    public Task<ApiKeyCredential?> GetCredentialAsync() => Task.FromResult(
        _key is { } key && _secretHash is { } hash ? new ApiKeyCredential(key, hash) : null);

    public async Task<ApiKeyRecord> CreateAsync(ApiKeyDraft draft)
    {
        if (_key is not null) throw new StateConflictException(new Message(MessageKeys.KeyExists, this.GetPrimaryKeyString()));
        var key = new ApiKeyRecord(this.GetPrimaryKeyString(), draft.Role, draft.Scope, draft.Label, clock.Now(), draft.Actor, null, null);
        await StoreAsync(() => table.CreateAsync(key, draft.SecretHash));
        (_key, _secretHash) = (key, draft.SecretHash);
        await caches.ForgetEverywhereAsync(ApiKeyCache.CacheKind, key.KeyId); // a silo may hold "no such key"
        return key;
    }

    public async Task<Revocation> RevokeAsync(string actor)
    {
        if (_key is not { } key) return Revocation.Unknown;
        if (!key.IsRevoked)
        {
            var revoked = key with { RevokedAt = clock.Now(), RevokedBy = actor };
            await StoreAsync(() => table.RevokeAsync(revoked));
            _key = revoked;
        }
        // Every silo forgets the key before the revocation is acknowledged: from then on, none accepts it. A retry
        // forgets it again, in case the first attempt stored the revocation but failed to reach every silo.
        await caches.ForgetEverywhereAsync(ApiKeyCache.CacheKind, key.KeyId);
        return key.IsRevoked ? Revocation.AlreadyRevoked : Revocation.Revoked;
    }

    private async Task StoreAsync(Func<Task> write)
    {
        upgrade.EnsureAllSilosStoreRows(typeof(IApiKeyGrain), $"A change of key {this.GetPrimaryKeyString()}");
        try
        {
            await write();
        }
        catch (Exception error)
        {
            DeactivateOnIdle(); // the next call reads what is stored, not what we hoped to store
            throw DomainErrors.Translate(error);
        }
    }
}

/// <summary>
/// How a release before migration 0013 kept an API key, as Orleans grain state; read once through
/// <see cref="LegacyGrainState"/> for the hash its row lacks.
/// </summary>
public sealed class ApiKeyState
{
    public ApiKeyRecord? Key { get; set; }

    /// <summary>SHA-256 of the key's secret, hex; the secret itself is never stored.</summary>
    public string? SecretHash { get; set; }
}
