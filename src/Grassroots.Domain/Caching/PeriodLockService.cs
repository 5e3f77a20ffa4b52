using Microsoft.Extensions.Logging;
using Orleans.Runtime.Services;
using Orleans.Services;

namespace Grassroots.Domain.Caching;

/// <summary>One per silo: closes a period on that silo (<see cref="PeriodLocks.CloseAsync"/>).</summary>
[Alias("period-lock-service")]
public interface IPeriodLockService : IGrainService
{
    [Alias("close")]
    Task CloseAsync(string campaignId, string period);
}

/// <summary>The grain service every silo runs for <see cref="IPeriodLockService"/>.</summary>
[Reentrant]
public sealed class PeriodLockService(GrainId id, Silo silo, ILoggerFactory loggerFactory, PeriodLocks locks)
    : GrainService(id, silo, loggerFactory), IPeriodLockService
{
    public Task CloseAsync(string campaignId, string period) => locks.CloseAsync(campaignId, period);
}

/// <summary>
/// Closes a period on every silo of the cluster and returns once each has confirmed: from then on no silo lets a write
/// to it through, and every write one let through before has committed. Unlike forgetting a key, a silo that does not
/// answer is not passed over: it is asked again until it answers or the cluster declares it dead (a dead silo's writer
/// shard is taken from it, so it commits nothing more), and the close fails after <see cref="Patience"/>.
/// </summary>
public sealed class PeriodLockBroadcast(IServiceProvider services, IClusterMembershipService membership, ILogger<PeriodLockBroadcast> logger)
    : GrainServiceClient<IPeriodLockService>(services)
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PerCall = TimeSpan.FromSeconds(5);

    public async Task CloseEverywhereAsync(string campaignId, string period)
    {
        var deadline = DateTime.UtcNow + Patience;
        var confirmed = new HashSet<SiloAddress>();
        while (true)
        {
            // Every silo that may serve requests: joining ones too, which may have read the locks already.
            var pending = membership.CurrentSnapshot.Members.Values
                .Where(m => m.Status is SiloStatus.Joining or SiloStatus.Active or SiloStatus.ShuttingDown or SiloStatus.Stopping)
                .Select(m => m.SiloAddress).Where(s => !confirmed.Contains(s)).ToList();
            if (pending.Count == 0) return;
            await Task.WhenAll(pending.Select(async silo =>
            {
                try
                {
                    await GetGrainService(silo).CloseAsync(campaignId, period).WaitAsync(PerCall);
                    lock (confirmed) confirmed.Add(silo);
                }
                catch (Exception error)
                {
                    logger.LogWarning(error, "Silo {Silo} has not confirmed the lock of {Campaign}/{Period}; asking again", silo, campaignId, period);
                }
            }));
            if (DateTime.UtcNow > deadline)
                throw new ServiceUnavailableException($"Not every silo confirmed the lock of {period} within {Patience.TotalSeconds:0} s; submit again.");
            if (pending.Any(s => !confirmed.Contains(s))) await Task.Delay(200);
        }
    }
}
