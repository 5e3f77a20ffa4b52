using System.Collections.Concurrent;

namespace Grassroots.Domain.Caching;

/// <summary>A cache in one silo that the cluster can tell to forget an entry (<see cref="ISiloCacheService"/>).</summary>
public interface ISiloCache
{
    /// <summary>The kind of thing cached, e.g. "campaign"; an invalidation names it.</summary>
    string Kind { get; }

    void Forget(string id);
}

/// <summary>
/// What one silo holds of grains that every request asks (campaign definitions, API keys), so that a hot grain is not
/// called on every request. An entry (absence included) is kept until the owning grain, after it changes, has every
/// silo forget it (<see cref="SiloCaches.ForgetEverywhereAsync"/>), and at most <see cref="MaxAge"/> in any case, which
/// bounds staleness on a silo that could not be told. A load that began before a forget is not stored.
/// </summary>
public sealed class SiloCache<T>(string kind, TimeProvider clock) : ISiloCache where T : class
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    /// <summary>Beyond this many entries the cache starts over, so ids made up by a caller cannot fill memory.</summary>
    public const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _forgotten = new(StringComparer.Ordinal);
    private long _generation;

    private sealed record Entry(T? Value, DateTimeOffset LoadedAt);

    public string Kind => kind;

    public async Task<T?> GetAsync(string id, Func<Task<T?>> load)
    {
        var now = clock.GetUtcNow();
        if (_entries.TryGetValue(id, out var held) && now - held.LoadedAt < MaxAge) return held.Value;
        var generation = Interlocked.Read(ref _generation);
        var value = await load();
        if (_forgotten.GetValueOrDefault(id) <= generation)
        {
            if (_entries.Count >= MaxEntries) _entries.Clear();
            _entries[id] = new Entry(value, now);
        }
        return value;
    }

    public void Forget(string id)
    {
        _forgotten[id] = Interlocked.Increment(ref _generation);
        _entries.TryRemove(id, out _);
    }
}
