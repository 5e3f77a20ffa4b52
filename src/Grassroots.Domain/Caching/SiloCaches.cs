using Microsoft.Extensions.Logging;
using Orleans.Runtime.Services;

namespace Grassroots.Domain.Caching;

/// <summary>Tells every active silo of the cluster to forget a cached entry, and waits until they have.</summary>
public sealed class SiloCaches(IServiceProvider services, IClusterMembershipService membership, ILogger<SiloCaches> logger)
    : GrainServiceClient<ISiloCacheService>(services)
{
    /// <summary>How long a silo may take to answer; one that does not is dying, and its entries age out anyway.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    public async Task ForgetEverywhereAsync(string kind, string id)
    {
        var silos = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress);
        await Task.WhenAll(silos.Select(async silo =>
        {
            try
            {
                await GetGrainService(silo).ForgetAsync(kind, id).WaitAsync(Patience);
            }
            catch (Exception error)
            {
                logger.LogWarning(error, "Silo {Silo} was not told to forget {Kind} {Id}; its copy ages out within {MaxAge}",
                    silo, kind, id, SiloCache<object>.MaxAge);
            }
        }));
    }
}
