using System.Collections.Concurrent;

namespace Grassroots.Domain.Rollups;

/// <summary>
/// The grains active in this silo that hold rollup rows in memory (regions, honorees), each with the grain call that
/// makes it reload one shard's rows. Lets this silo ask them to catch up when another silo dies: rows that silo
/// committed just before dying may never have been delivered. Only this silo's own activations are listed here.
/// </summary>
public sealed class LocalRollupHolders
{
    private readonly ConcurrentDictionary<GrainId, Func<string, Task>> _holders = new();

    public void Add(GrainId grain, Func<string, Task> resync) => _holders[grain] = resync;

    public void Remove(GrainId grain) => _holders.TryRemove(grain, out _);

    public int Count => _holders.Count;

    /// <summary>Asks every listed grain to reload the rows of <paramref name="shard"/>.</summary>
    public Task ResyncAsync(string shard) => Task.WhenAll(_holders.Values.Select(resync => resync(shard)));
}
