using Microsoft.Extensions.Logging;

namespace Grassroots.Domain.Caching;

/// <summary>The grain service every silo runs for <see cref="ISiloCacheService"/>: it passes a forget on to the silo's caches.</summary>
[Reentrant]
public sealed class SiloCacheService(GrainId id, Silo silo, ILoggerFactory loggerFactory, IEnumerable<ISiloCache> caches)
    : GrainService(id, silo, loggerFactory), ISiloCacheService
{
    public Task ForgetAsync(string kind, string id)
    {
        foreach (var cache in caches.Where(c => c.Kind == kind)) cache.Forget(id);
        return Task.CompletedTask;
    }
}
