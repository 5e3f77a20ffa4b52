using Grassroots.Domain.Caching;

namespace Grassroots.Silo.Security;

/// <summary>
/// The keys this silo has checked, so a request does not call its key's grain: the grain has every silo forget the key
/// before a revocation is acknowledged, which keeps revocation immediate on every silo.
/// </summary>
public sealed class ApiKeyCache(IGrainFactory grains, TimeProvider clock) : ISiloCache
{
    public const string CacheKind = "api-key";

    private readonly SiloCache<ApiKeyCredential> _cache = new(CacheKind, clock);

    public string Kind => CacheKind;

    public Task<ApiKeyCredential?> GetAsync(string keyId) =>
        _cache.GetAsync(keyId, () => grains.GetGrain<IApiKeyGrain>(keyId).GetCredentialAsync());

    public void Forget(string id) => _cache.Forget(id);
}
