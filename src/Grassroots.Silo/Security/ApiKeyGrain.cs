using Grassroots.Domain.Caching;
using Grassroots.Domain;

namespace Grassroots.Silo.Security;

/// <summary>
/// An API key's state: the record and the SHA-256 of its secret. After each write the grain also writes the api_keys
/// table, the projection that `keys list` and GET /api/keys read, with the change-log entry.
/// </summary>
[GrainType("api-key")]
public sealed class ApiKeyGrain(
    [PersistentState(Constants.StateNames.ApiKey, Constants.GrainStorage)] IPersistentState<ApiKeyState> state,
    ApiKeyProjection projection, SiloCaches caches, TimeProvider clock) : Grain, IApiKeyGrain
{
    public Task<ApiKeyRecord?> GetAsync() => Task.FromResult(state.State.Key);

    public Task<ApiKeyCredential?> GetCredentialAsync() => Task.FromResult(
        state.State is { Key: { } key, SecretHash: { } hash } ? new ApiKeyCredential(key, hash) : null);

    public async Task<ApiKeyRecord> CreateAsync(ApiKeyDraft draft)
    {
        if (state.State.Key is not null) throw new StateConflictException(new Message(MessageKeys.KeyExists, this.GetPrimaryKeyString()));
        var key = new ApiKeyRecord(this.GetPrimaryKeyString(), draft.Role, draft.Scope, draft.Label, clock.Now(), draft.Actor, null, null);
        await WriteAsync(new ApiKeyState { Key = key, SecretHash = draft.SecretHash });
        await projection.WriteAsync(key, "create", draft.Actor).Translated();
        await caches.ForgetEverywhereAsync(ApiKeyCache.CacheKind, key.KeyId); // a silo may hold "no such key"
        return key;
    }

    public async Task<Revocation> RevokeAsync(string actor)
    {
        if (state.State.Key is not { } key) return Revocation.Unknown;
        if (key.IsRevoked)
        {
            // Written again so that a projection lost to an outage after the revocation catches up.
            await projection.WriteAsync(key, null, actor).Translated();
            return Revocation.AlreadyRevoked;
        }
        var revoked = key with { RevokedAt = clock.Now(), RevokedBy = actor };
        await WriteAsync(new ApiKeyState { Key = revoked, SecretHash = state.State.SecretHash });
        // Every silo forgets the key before the revocation is acknowledged: from then on, none accepts it.
        await caches.ForgetEverywhereAsync(ApiKeyCache.CacheKind, key.KeyId);
        await projection.WriteAsync(revoked, "revoke", actor).Translated();
        return Revocation.Revoked;
    }

    private async Task WriteAsync(ApiKeyState next)
    {
        var previous = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception error)
        {
            state.State = previous;
            DeactivateOnIdle(); // the next call reads what is stored, not what we hoped to store
            throw DomainErrors.Translate(error);
        }
    }
}

/// <summary>The stored state of an API key; empty until the key is created.</summary>
[GenerateSerializer, Alias("api-key-state")]
public sealed class ApiKeyState
{
    [Id(0)]
    public ApiKeyRecord? Key { get; set; }

    /// <summary>SHA-256 of the key's secret, hex; the secret itself is never stored.</summary>
    [Id(1)]
    public string? SecretHash { get; set; }
}
