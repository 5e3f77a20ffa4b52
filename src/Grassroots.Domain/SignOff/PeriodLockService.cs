using Grassroots.Domain.Caching;
using Grassroots.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Services;
using Polly;
using Polly.Registry;

namespace Grassroots.Domain.SignOff;

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
/// answer is not passed over: it is asked again (<see cref="PipelineName"/>, every 200 ms) until it answers or the cluster
/// declares it dead (a dead silo's writer shard is taken from it, so it commits nothing more), and the close fails after
/// <see cref="Patience"/>.
/// </summary>
public sealed class PeriodLockBroadcast(IServiceProvider services, IClusterMembershipService membership, ILogger<PeriodLockBroadcast> logger)
    : GrainServiceClient<IPeriodLockService>(services)
{
    public const string PipelineName = "period-lock-close";
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PerCall = TimeSpan.FromSeconds(5);

    public static void Configure(ResiliencePipelineBuilder builder) => Retries.UntilDeadline(builder, TimeSpan.FromMilliseconds(200));

    private readonly ResiliencePipeline _rounds = Retries.Pipeline(services.GetService<ResiliencePipelineProvider<string>>(), PipelineName, Configure);

    public async Task CloseEverywhereAsync(string campaignId, string period)
    {
        var confirmed = new HashSet<SiloAddress>();
        if (!await Retries.RunUntilAsync(_rounds, static (s, _) => s.Broadcast.AskAsync(s.CampaignId, s.Period, s.Confirmed),
                (Broadcast: this, CampaignId: campaignId, Period: period, Confirmed: confirmed), DateTime.UtcNow + Patience,
                $"period-lock:{campaignId}/{period}", CancellationToken.None))
            throw new ServiceUnavailableException($"Not every silo confirmed the lock of {period} within {Patience.TotalSeconds:0} s; submit again.");
    }

    /// <summary>One round: every silo that has not confirmed yet is asked; true once none is left.</summary>
    private async ValueTask<bool> AskAsync(string campaignId, string period, HashSet<SiloAddress> confirmed)
    {
        var pending = Pending(confirmed);
        if (pending.Count == 0) return true;
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
        return Pending(confirmed).Count == 0;
    }

    /// <summary>Every silo that may serve requests and has not confirmed: joining ones too, which may have read the locks already.</summary>
    private List<SiloAddress> Pending(HashSet<SiloAddress> confirmed) => membership.CurrentSnapshot.Members.Values
        .Where(m => m.Status is SiloStatus.Joining or SiloStatus.Active or SiloStatus.ShuttingDown or SiloStatus.Stopping)
        .Select(m => m.SiloAddress).Where(s => !confirmed.Contains(s)).ToList();
}
