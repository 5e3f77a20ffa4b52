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
/// What one silo holds of what every request asks (campaign definitions, API keys, branches), so that a hot grain or row
/// is not read on every request. An entry is kept until its owner, after it changes, has every silo forget it
/// (<see cref="SiloCaches.ForgetEverywhereAsync"/>), and at most <see cref="MaxAge"/> in any case, which bounds staleness
/// on a silo that could not be told. A load that began before a forget is not stored. Absence is kept too, unless
/// <paramref name="keepAbsence"/> is false: then something created without telling every silo (a branch registered in
/// bulk) is seen at once.
/// </summary>
public sealed class SiloCache<T>(string kind, TimeProvider clock, bool keepAbsence = true) : ISiloCache where T : class
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    /// <summary>Beyond this many entries the cache starts over, so ids made up by a caller cannot fill memory.</summary>
    public const int MaxEntries = 100_000;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _forgotten = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _generation;

    private sealed record Entry(T? Value, DateTimeOffset LoadedAt);

    public string Kind => kind;

    public async Task<T?> GetAsync(string id, Func<Task<T?>> load)
    {
        var now = clock.GetUtcNow();
        if (_entries.TryGetValue(id, out var held) && now - held.LoadedAt < MaxAge) return held.Value;
        var generation = Interlocked.Read(ref _generation);
        var value = await load();
        if (value is not null || keepAbsence) Keep(id, value, now, generation);
        return value;
    }

    /// <summary>
    /// Many entries at once: those held are answered from memory, the rest by one call of <paramref name="loadMany"/>
    /// (which answers every id it is given, null for absent ones), as <see cref="GetAsync"/> would keep them.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, T?>> GetManyAsync(IEnumerable<string> ids,
        Func<IReadOnlyList<string>, Task<IReadOnlyDictionary<string, T?>>> loadMany)
    {
        var now = clock.GetUtcNow();
        var found = new Dictionary<string, T?>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var id in ids)
        {
            if (found.ContainsKey(id)) continue;
            if (_entries.TryGetValue(id, out var held) && now - held.LoadedAt < MaxAge) found[id] = held.Value;
            else
            {
                found[id] = null;
                missing.Add(id);
            }
        }
        if (missing.Count == 0) return found;
        var generation = Interlocked.Read(ref _generation);
        var loaded = await loadMany(missing);
        foreach (var id in missing)
        {
            var value = loaded.GetValueOrDefault(id);
            found[id] = value;
            if (value is not null || keepAbsence) Keep(id, value, now, generation);
        }
        return found;
    }

    public void Forget(string id)
    {
        lock (_gate)
        {
            _forgotten[id] = Interlocked.Increment(ref _generation);
            _entries.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Stores what a load that began at <paramref name="generation"/> read, unless the entry was forgotten since. Checked
    /// and stored under the lock a forget takes: checked outside it, a forget falling between the check and the store
    /// would leave the old value in place (the period locks rely on that never happening).
    /// </summary>
    private void Keep(string id, T? value, DateTimeOffset loadedAt, long generation)
    {
        lock (_gate)
        {
            if (_forgotten.GetValueOrDefault(id) > generation) return;
            if (_entries.Count >= MaxEntries) _entries.Clear();
            _entries[id] = new Entry(value, loadedAt);
        }
    }
}
