using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Grassroots.Domain.Rollups;

/// <summary>
/// When the cluster declares a silo dead, has this silo's rollup grains load their figures again: the dead silo may have
/// committed batches and died before its aggregator sent them. Grains that were on the dead silo reactivate elsewhere
/// and load everything anyway.
/// </summary>
public sealed class DeadSiloResync(IClusterMembershipService membership, LocalRollupHolders holders, ILogger<DeadSiloResync> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var dead = new HashSet<SiloAddress>();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                foreach (var member in snapshot.Members.Values)
                {
                    if (member.Status != SiloStatus.Dead || !dead.Add(member.SiloAddress)) continue;
                    logger.LogInformation("Silo {Silo} ({Shard}) is dead; {Count} local rollup grains load their figures again",
                        member.SiloAddress, member.Name, holders.Count);
                    try
                    {
                        await holders.ReloadAllAsync();
                    }
                    catch (Exception error)
                    {
                        logger.LogWarning(error, "Loading rollup figures again after silo {Shard} died failed", member.Name);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
