using System.Collections.Concurrent;
using Grassroots.Domain.Caching;
using Microsoft.Extensions.Logging;

namespace Grassroots.Domain.Rollups;

/// <summary>
/// The grains active in this silo that hold rollup figures in memory (regions, honorees), each with the grain call that
/// makes it load them again. Lets this silo have them catch up when batches of some shard may never reach them: another
/// silo died, or a lane could not tell whether a batch committed. Only this silo's own activations are listed here; the
/// cluster reaches every silo's through <see cref="SiloCaches"/>, as a cache to forget.
/// </summary>
public sealed class LocalRollupHolders(ILogger<LocalRollupHolders> logger) : ISiloCache
{
    public const string CacheKind = "rollup-holders";

    private readonly ConcurrentDictionary<GrainId, Func<Task>> _holders = new();

    public string Kind => CacheKind;

    public void Add(GrainId grain, Func<Task> reload) => _holders[grain] = reload;

    public void Remove(GrainId grain) => _holders.TryRemove(grain, out _);

    public int Count => _holders.Count;

    /// <summary>Has every listed grain load its figures again.</summary>
    public Task ReloadAllAsync() => Task.WhenAll(_holders.Values.Select(reload => reload()));

    /// <summary>Batches of <paramref name="shard"/> may be missing: every listed grain loads again (in the background).</summary>
    public void Forget(string shard) => _ = ReloadAllAsync().ContinueWith(
        t => logger.LogWarning(t.Exception, "Loading rollup figures again after a gap on shard {Shard} failed", shard),
        CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
}
