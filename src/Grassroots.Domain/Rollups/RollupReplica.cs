using Grassroots.Domain.Model;
using Grassroots.Domain.Regions;
using Microsoft.Extensions.Logging;

namespace Grassroots.Domain.Rollups;

/// <summary>
/// This silo's copy of the rollup figures its readers ask for: every region with children (CN, provinces, cities; a
/// county is read from its city) and honoree, loaded from the database the first time it is read here, then kept current
/// by the batches every silo commits — this silo's own as they commit, each peer's in one message per flush
/// (<see cref="RollupExchange"/>). So a rollup read is answered on the silo it lands on, with no call to another silo.
/// <para>
/// Batches of each writer shard are applied in commit order (<see cref="ShardStream"/>), each holder taking those after
/// the last its figures hold (<see cref="RollupBook{TState,TChange}"/>). When a batch may never arrive — a lane could not
/// tell whether it committed, a silo died before sending it, one has been missing for <see cref="MissingPatience"/> —
/// every holder loads again from one snapshot in the background while the figures in place keep answering, and each
/// shard's stream restarts where that snapshot ends. So the figures in memory always become the figures in the database.
/// </para>
/// </summary>
public sealed class RollupReplica
{
    public static readonly TimeSpan MissingPatience = TimeSpan.FromSeconds(5);

    private readonly RollupStore _store;
    private readonly RegionDirectory _regions;
    private readonly TimeProvider _clock;
    private readonly ILogger<RollupReplica> _logger;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ShardStream> _streams = new(StringComparer.Ordinal);
    private readonly Lock _reloadGate = new();
    private readonly SemaphoreSlim _loads = new(1, 1);
    private Task? _reloading;
    private bool _reloadAgain;

    public RollupReplica(RollupStore store, RegionDirectory regions, TimeProvider clock, ILogger<RollupReplica> logger)
    {
        (_store, _regions, _clock, _logger) = (store, regions, clock, logger);
        Regions = new(store, _loads, (code, snapshot) => RegionFigures.LoadAsync(code, regions, snapshot), static (figures, change) =>
        {
            if (change.County is { } county) figures.Add(change.Node, county.CampaignId, county.Day, county.Figures);
            else figures.AddRegistered(change.Node, change.Registered);
        });
        Honorees = new(store, _loads, HonoreeTalkFigures.LoadAsync, static (figures, change) => figures.Add(change));
    }

    private RollupBook<RegionFigures, RegionChange> Regions { get; }

    private RollupBook<HonoreeTalkFigures, HonoreeProvince> Honorees { get; }

    /// <summary>Where each shard's batches are let through from, as known here (tests, and the exchange's greeting).</summary>
    public IReadOnlyDictionary<string, long> Contiguous()
    {
        lock (_gate) return _streams.ToDictionary(s => s.Key, s => s.Value.Contiguous);
    }

    /// <summary>
    /// Whether <see cref="StartAsync"/> has begun reading where the shards stand: a batch a peer handed over before it
    /// greeted this silo is in that reading only if the greeting came before.
    /// </summary>
    public bool HasStarted { get; private set; }

    /// <summary>
    /// Starts each shard's stream where the database stands now: every batch after it reaches this silo (the exchange has
    /// told every peer to send here before this is called), and every batch before it is in any figures loaded later.
    /// </summary>
    public async Task StartAsync()
    {
        lock (_gate) HasStarted = true;
        // Holders read before this (a request that came early) are loaded again with the rest, as the streams start.
        await LoadAllAsync();
    }

    /// <summary>A committed batch, this silo's own or a peer's, in any order; applied once every batch of its shard before it is.</summary>
    public void Apply(CommittedChanges batch)
    {
        lock (_gate)
        {
            var stream = _streams.TryGetValue(batch.Shard, out var known) ? known : Stream(batch.Shard, 0);
            Release(stream.Arrived(batch));
        }
        if (batch.Gap) RequestReload($"writer shard {batch.Shard} could not tell whether the batch before {batch.Seq} committed");
    }

    /// <summary>A batch missing for longer than <see cref="MissingPatience"/> may never come: load everything again.</summary>
    public void CheckPatience()
    {
        string? late = null;
        lock (_gate)
            foreach (var (shard, stream) in _streams)
                if (stream.MissingSince is { } since && DateTime.UtcNow - since > MissingPatience) late = shard;
        if (late is not null) RequestReload($"a batch of writer shard {late} after {Contiguous()[late]} never arrived");
    }

    /// <summary>
    /// Loads every holder again, in the background (reads keep the figures in place meanwhile); requests made while a load
    /// runs are answered by one more load after it.
    /// </summary>
    public void RequestReload(string why)
    {
        lock (_reloadGate)
        {
            if (_reloading is not null)
            {
                _reloadAgain = true;
                return;
            }
            _logger.LogInformation("Rollup figures load again: {Why}", why);
            _reloading = Task.Run(ReloadLoopAsync);
        }
    }

    /// <summary>Completes once no reload is under way (tests).</summary>
    public Task ReloadedAsync()
    {
        lock (_reloadGate) return _reloading ?? Task.CompletedTask;
    }

    public ValueTask<RollupView> GetRollupAsync(string code, string campaignId, DateOnly? from, DateOnly? to)
    {
        var today = _clock.Today();
        return Regions.ReadAsync(HolderOf(code), f => f.View(code, campaignId, from, to, today));
    }

    public ValueTask<Totals> GetTotalsAsync(string code, string campaignId, DateOnly? from, DateOnly? to)
    {
        var today = _clock.Today();
        return Regions.ReadAsync(HolderOf(code), f => f.Sum(code, campaignId, from, to, today));
    }

    public ValueTask<IReadOnlyList<SeriesPoint>> GetSeriesAsync(string code, string campaignId, SeriesInterval interval, DateOnly from, DateOnly to) =>
        Regions.ReadAsync(HolderOf(code), f => f.Series(code, campaignId, interval, from, to));

    public ValueTask<HonoreeFigures> GetHonoreeAsync(string honoreeId, string? campaignId) =>
        Honorees.ReadAsync(honoreeId, f => f.Of(campaignId));

    /// <summary>
    /// Starts loading the figures holding <paramref name="code"/> (the national ones at start, so the first national read
    /// need not wait for them); a failure is left to the first read, which loads again.
    /// </summary>
    public void Warm(string code) => _ = Regions.ReadAsync(HolderOf(code), static _ => true).AsTask()
        .ContinueWith(t => _logger.LogInformation(t.Exception, "Loading the figures of {Code} failed; the first read loads them", code),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    /// <summary>Loads the figures holding <paramref name="code"/> again now, so they hold every batch committed before this call.</summary>
    public Task ReloadAsync(string code) => Regions.ReloadAsync(HolderOf(code));

    /// <summary>The region whose figures hold <paramref name="code"/>: itself, or for a region without children (a county) its parent.</summary>
    public string HolderOf(string code) =>
        _regions.Children(code).Count == 0 && _regions.Find(code)?.ParentCode is { } parent ? parent : code;

    private ShardStream Stream(string shard, long start) => _streams[shard] = new ShardStream(start);

    /// <summary>Every shard's batches up to its sequence number in <paramref name="seqs"/> are in the figures.</summary>
    private void RestartAt(IReadOnlyDictionary<string, long> seqs)
    {
        lock (_gate)
            foreach (var (shard, seq) in seqs)
                Release((_streams.GetValueOrDefault(shard) ?? Stream(shard, seq)).RestartAt(seq));
    }

    /// <summary>Applies batches let through, in order: each county's figures to the holders above it, each honoree's to theirs.</summary>
    private void Release(List<CommittedChanges> batches)
    {
        foreach (var batch in batches)
        {
            foreach (var (holder, changes) in RegionChanges(batch)) Regions.Apply(holder, batch.Shard, batch.Seq, changes);
            foreach (var honoree in batch.Honorees.GroupBy(h => h.HonoreeId))
                Honorees.Apply(honoree.Key, batch.Shard, batch.Seq, [.. honoree]);
        }
    }

    /// <summary>A county's figures go to every region above it, each as the child of that region they fall under.</summary>
    private Dictionary<string, List<RegionChange>> RegionChanges(CommittedChanges batch)
    {
        // Each holder's list made at the size it ends at: a batch of an import's chunk holds thousands of county days.
        var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var code in batch.Days.Select(d => d.Code).Concat(batch.Registered.Select(r => r.Code)))
        {
            var chain = _regions.Chain(code);
            for (var i = 1; i < chain.Count; i++) System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(sizes, chain[i], out _)++;
        }
        var result = new Dictionary<string, List<RegionChange>>(sizes.Count, StringComparer.Ordinal);
        void Add(string holder, RegionChange change)
        {
            if (!result.TryGetValue(holder, out var list)) result[holder] = list = new(sizes[holder]);
            list.Add(change);
        }
        foreach (var county in batch.Days)
        {
            var chain = _regions.Chain(county.Code);
            for (var i = 1; i < chain.Count; i++) Add(chain[i], new RegionChange(chain[i - 1], county, 0));
        }
        foreach (var county in batch.Registered)
        {
            var chain = _regions.Chain(county.Code);
            for (var i = 1; i < chain.Count; i++) Add(chain[i], new RegionChange(chain[i - 1], null, county.Delta));
        }
        return result;
    }

    private async Task ReloadLoopAsync()
    {
        var failures = 0;
        while (true)
        {
            try
            {
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                await LoadAllAsync();
                failures = 0;
                _logger.LogInformation("Rollup figures loaded again in {Elapsed:0} ms", System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (Exception error)
            {
                // Said once as a warning: until it succeeds the figures in place answer, without the batch that was missed.
                _logger.Log(failures++ == 0 ? LogLevel.Warning : LogLevel.Information, error, "Loading the rollup figures again failed; trying again");
                await Task.Delay(TimeSpan.FromSeconds(1));
                lock (_reloadGate) _reloadAgain = true;
            }
            lock (_reloadGate)
            {
                if (!_reloadAgain)
                {
                    _reloading = null;
                    return;
                }
                _reloadAgain = false;
            }
        }
    }

    /// <summary>
    /// Every holder loaded again from one snapshot, and every shard's stream moved to where that snapshot ends: batches
    /// before it are in the figures, even those that never arrived. In the turn of loads, so no holder loads meanwhile
    /// from an older snapshot.
    /// </summary>
    private async Task LoadAllAsync()
    {
        await _loads.WaitAsync();
        try
        {
            // Every holder keeps the batches applied to it from before the snapshot is taken (its first query), so none
            // committed after the snapshot is missing from what the load brings.
            var (regions, honorees) = (Regions.BeginReload(), Honorees.BeginReload());
            try
            {
                var seqs = await _store.InSnapshotAsync(async snapshot =>
                {
                    var seqs = await snapshot.ShardSeqsAsync();
                    await Regions.ReloadAllAsync(regions, snapshot, seqs);
                    await Honorees.ReloadAllAsync(honorees, snapshot, seqs);
                    return seqs;
                }).Translated();
                RestartAt(seqs);
            }
            finally
            {
                RollupBook<RegionFigures, RegionChange>.AbandonUnlessRan(regions);
                RollupBook<HonoreeTalkFigures, HonoreeProvince>.AbandonUnlessRan(honorees);
            }
        }
        finally
        {
            _loads.Release();
        }
    }
}

/// <summary>
/// One change to a region's figures, for one of its nodes (the region or the child a county lies under): a county's
/// figures of a campaign on a day, or, without one, registered branches. The county day is the batch's own, shared by
/// every region above the county rather than copied to each (its figures are fifteen counts).
/// </summary>
public readonly record struct RegionChange(string Node, CountyDay? County, long Registered);
