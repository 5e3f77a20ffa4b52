using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Grassroots.Domain.Rollups;

/// <summary>
/// When the cluster declares a silo dead, asks this silo's rollup grains to reload the rows of that silo's shard (a
/// silo's name is its shard): it may have committed a batch and died before delivering it. Grains that were on the
/// dead silo reactivate elsewhere and load everything anyway.
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
                    logger.LogInformation("Silo {Silo} ({Shard}) is dead; {Count} local rollup grains reload its shard",
                        member.SiloAddress, member.Name, holders.Count);
                    try
                    {
                        await holders.ResyncAsync(member.Name);
                    }
                    catch (Exception error)
                    {
                        logger.LogWarning(error, "Reloading shard {Shard} after its silo died failed", member.Name);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
