using Microsoft.Extensions.Caching.Memory;

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
/// is not read on every request. A bounded <see cref="MemoryCache"/>: an entry is kept until its owner, after it changes,
/// has every silo forget it (<see cref="SiloCaches.ForgetEverywhereAsync"/>), and at most <see cref="MaxAge"/> in any
/// case, which bounds staleness on a silo that could not be told; past <see cref="MaxEntries"/> the least recently used
/// go, so ids made up by a caller cannot fill memory. A load that began before a forget is not stored (the generation
/// guard): each forget is remembered with its generation only while a load that began before it is still running, so the
/// forgotten ids stay few however many are forgotten (<see cref="PruneAbove"/>). Absence is kept too, unless <paramref name="keepAbsence"/> is false: then something created without telling
/// every silo (a branch registered in bulk) is seen at once.
/// </summary>
public sealed class SiloCache<T>(string kind, TimeProvider clock, bool keepAbsence = true) : ISiloCache where T : class
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    public const int MaxEntries = 100_000;

    /// <summary>Forgotten ids remembered before the ones no running load can need are dropped.</summary>
    public const int PruneAbove = 1024;

    private readonly MemoryCache _entries = new(new MemoryCacheOptions
    {
        SizeLimit = MaxEntries,
        Clock = new Clock(clock),
        ExpirationScanFrequency = MaxAge,
    });

    // Both under _gate: each forgotten id with the generation of its forget, and the generations the running loads began at
    // (how many began at each).
    private readonly Dictionary<string, long> _forgotten = new(StringComparer.Ordinal);
    private readonly SortedDictionary<long, int> _loading = [];
    private readonly Lock _gate = new();
    private long _generation;
    private int _pruneAt = PruneAbove;

    /// <summary>A value or a kept absence (null), as loaded.</summary>
    private sealed record Entry(T? Value);

    public string Kind => kind;

    /// <summary>What is held for the id, with no load and no task: false when nothing is (a kept absence is held, as null).</summary>
    public bool TryGet(string id, out T? value)
    {
        if (_entries.TryGetValue(id, out Entry? held))
        {
            value = held!.Value;
            return true;
        }
        value = null;
        return false;
    }

    public async Task<T?> GetAsync(string id, Func<Task<T?>> load)
    {
        if (TryGet(id, out var held)) return held;
        var generation = BeginLoad();
        try
        {
            var value = await load();
            Keep(id, value, generation);
            return value;
        }
        finally
        {
            EndLoad(generation);
        }
    }

    /// <summary>
    /// Many entries at once: those held are answered from memory, the rest by one call of <paramref name="loadMany"/>
    /// (which answers every id it is given, null for absent ones), as <see cref="GetAsync"/> would keep them.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, T?>> GetManyAsync(IEnumerable<string> ids,
        Func<IReadOnlyList<string>, Task<IReadOnlyDictionary<string, T?>>> loadMany)
    {
        var found = new Dictionary<string, T?>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var id in ids)
        {
            if (found.ContainsKey(id)) continue;
            if (_entries.TryGetValue(id, out Entry? held)) found[id] = held!.Value;
            else
            {
                found[id] = null;
                missing.Add(id);
            }
        }
        if (missing.Count == 0) return found;
        var generation = BeginLoad();
        try
        {
            var loaded = await loadMany(missing);
            foreach (var id in missing)
            {
                var value = loaded.GetValueOrDefault(id);
                found[id] = value;
                Keep(id, value, generation);
            }
        }
        finally
        {
            EndLoad(generation);
        }
        return found;
    }

    public void Forget(string id)
    {
        lock (_gate)
        {
            _forgotten[id] = ++_generation;
            _entries.Remove(id);
            if (_forgotten.Count > _pruneAt) Prune();
        }
    }

    /// <summary>Forgotten ids remembered now (for tests).</summary>
    internal int ForgottenCount
    {
        get
        {
            lock (_gate) return _forgotten.Count;
        }
    }

    private long BeginLoad()
    {
        lock (_gate)
        {
            _loading[_generation] = _loading.GetValueOrDefault(_generation) + 1;
            return _generation;
        }
    }

    private void EndLoad(long generation)
    {
        lock (_gate)
        {
            if (--_loading[generation] == 0) _loading.Remove(generation);
        }
    }

    /// <summary>
    /// Drops the forgets no load can be stopped by: those at or before the generation the oldest running load began at
    /// (a load stored is one whose id was last forgotten at or before its start, and every later load starts later still),
    /// all of them when none runs. What is left was forgotten while a load ran; the next prune waits until twice as many
    /// are remembered, so forgetting stays cheap while a slow load holds them.
    /// </summary>
    private void Prune()
    {
        if (_loading.Count == 0) _forgotten.Clear();
        else
        {
            var oldest = _loading.First().Key;
            foreach (var (forgotten, generation) in _forgotten)
                if (generation <= oldest) _forgotten.Remove(forgotten);
        }
        _pruneAt = Math.Max(PruneAbove, 2 * _forgotten.Count);
    }

    /// <summary>
    /// Keeps what was loaded, unless it is an absence not to keep or the id was forgotten since the load began. Checked
    /// and stored under the lock a forget takes: checked outside it, a forget falling between the check and the store
    /// would leave the old value in place (the period locks of sign-off rely on that never happening).
    /// </summary>
    private void Keep(string id, T? value, long loadedAt)
    {
        if (value is null && !keepAbsence) return;
        lock (_gate)
        {
            if (_forgotten.GetValueOrDefault(id) <= loadedAt)
                _entries.Set(id, new Entry(value), new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = MaxAge });
        }
    }

    /// <summary>The cache's clock is the service's, so tests that move time move the cache's too.</summary>
    private sealed class Clock(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}
