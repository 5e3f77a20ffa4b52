namespace Grassroots.Silo.Security;

/// <summary>A key just issued: the only moment its full text exists outside its holder's hands.</summary>
public sealed record IssuedApiKey(ApiKeyRecord Record, string Key);

/// <summary>
/// Issues, checks, revokes and lists API keys. Each key is its own grain (<see cref="IApiKeyGrain"/>), the one state
/// every silo checks against, through the silo's <see cref="ApiKeyCache"/>; listing reads the api_keys table.
/// </summary>
public sealed class ApiKeyStore(IGrainFactory grains, ApiKeyTable table, ApiKeyCache cache)
{
    public async Task<IssuedApiKey> CreateAsync(string role, string scope, string label, string actor)
    {
        var parts = ApiKeySecret.New();
        var key = await grains.GetGrain<IApiKeyGrain>(parts.KeyId).CreateAsync(
            new ApiKeyDraft(role, scope, label, ApiKeySecret.Hash(parts.Secret), actor));
        return new IssuedApiKey(key, parts.Key);
    }

    public Task<Revocation> RevokeAsync(string keyId, string actor) => grains.GetGrain<IApiKeyGrain>(keyId).RevokeAsync(actor);

    public Task<ApiKeyRecord?> FindAsync(string keyId) => grains.GetGrain<IApiKeyGrain>(keyId).GetAsync();

    public Task<List<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default) => table.ListAsync(cancellationToken);

    public Task<bool> AnyAsync(CancellationToken cancellationToken = default) => table.AnyAsync(cancellationToken);

    /// <summary>The live key a presented bearer token belongs to; null when malformed, unknown, wrong or revoked.</summary>
    public async Task<ApiKeyRecord?> AuthenticateAsync(string presented) =>
        ApiKeySecret.TryParse(presented, out var keyId, out var secret) && await cache.GetAsync(keyId) is { } credential
            ? credential.Check(presented.AsSpan()[secret])
            : null;
}
