using Orleans.Services;

namespace Grassroots.Domain.Caching;

/// <summary>One per silo: lets a grain that changed make every silo's cache forget its old value.</summary>
[Alias("silo-cache-service")]
public interface ISiloCacheService : IGrainService
{
    [Alias("forget")]
    Task ForgetAsync(string kind, string id);
}
