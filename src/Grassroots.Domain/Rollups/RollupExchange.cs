using Microsoft.Extensions.Logging;
using Orleans.Services;

namespace Grassroots.Domain.Rollups;

/// <summary>One per silo: where peers send the batches their silo committed, and greet it when they start sending.</summary>
[Alias("rollup-exchange")]
public interface IRollupExchange : IGrainService
{
    /// <summary>
    /// <paramref name="peer"/> sends its batches here from now on, and asks to be sent this silo's; each side says the last
    /// batch of each of its shards it has handed over so far (what the other may have missed).
    /// </summary>
    [Alias("greet")]
    Task<IReadOnlyDictionary<string, long>> GreetAsync(SiloAddress peer, IReadOnlyDictionary<string, long> peerHandedOver);

    /// <summary>Batches a peer committed since its last send, in the order it handed them over.</summary>
    [Alias("receive")]
    Task ReceiveAsync(IReadOnlyList<CommittedChanges> batches);
}

/// <summary>The grain service every silo runs for <see cref="IRollupExchange"/>: it passes what arrives to <see cref="RollupBroadcast"/>.</summary>
[Reentrant]
public sealed class RollupExchange(GrainId id, Silo silo, ILoggerFactory loggerFactory, RollupBroadcast broadcast)
    : GrainService(id, silo, loggerFactory), IRollupExchange
{
    public Task<IReadOnlyDictionary<string, long>> GreetAsync(SiloAddress peer, IReadOnlyDictionary<string, long> peerHandedOver) =>
        Task.FromResult(broadcast.Greeted(peer, peerHandedOver));

    public Task ReceiveAsync(IReadOnlyList<CommittedChanges> batches)
    {
        broadcast.Received(batches);
        return Task.CompletedTask;
    }
}
