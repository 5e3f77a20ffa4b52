using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Regions;
using Grassroots.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Grassroots.Domain.Rollups;

/// <summary>
/// Delivers the rollup rows each batch of this silo committed to the grains that hold them in memory: a region's rows
/// to its own grain and its parent's, an honoree's to the honoree's grain. A batch is this silo's pre-aggregation: its
/// increments to one row arrive as that row's one new value, and each grain gets one call per batch. Writers are
/// acknowledged once their batch is delivered, so a read after a write sees it, on every silo. A delivery that fails
/// (the grain's silo is dying) is kept, merged with newer rows, and tried again every <see cref="RetryInterval"/>.
/// </summary>
public sealed class RollupForwarder(IGrainFactory grains, RegionDirectory regions, GroupCommitter committer, StorageOptions storage,
    ILogger<RollupForwarder> logger) : BackgroundService, ICommitListener
{
    public static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(200);

    private static readonly Histogram<double> Lag = GrassrootsTelemetry.Meter.CreateHistogram<double>(
        "grassroots.rollup.lag", "ms", "From a batch's commit to the delivery of its rows to the rollup grains");

    private readonly ConcurrentDictionary<string, Lane<RegionRow>> _regions = new();
    private readonly ConcurrentDictionary<string, Lane<HonoreeRow>> _honorees = new();

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        committer.AddListener(this);
        return base.StartAsync(cancellationToken);
    }

    public async Task OnCommittedAsync(IReadOnlyList<IncrementedRow> rows, long seq)
    {
        var started = Stopwatch.GetTimestamp();
        var regionRows = new Dictionary<string, List<RegionRow>>();
        var honoreeRows = new Dictionary<string, List<HonoreeRow>>();
        foreach (var row in rows)
        {
            if (row.Table == Tables.RegionRollups)
            {
                var region = new RegionRow((string)row.Key[1]!, (string)row.Key[2]!, Reading.ToDate(row.Key[3]), row.Values, row.Seq);
                Add(regionRows, region.RegionCode, region);
                if (regions.Find(region.RegionCode)?.ParentCode is { } parent) Add(regionRows, parent, region);
            }
            else if (row.Table == Tables.HonoreeRollups)
            {
                Add(honoreeRows, (string)row.Key[1]!, new HonoreeRow((string)row.Key[2]!, (string)row.Key[3]!, row.Values, row.Seq));
            }
        }
        await Task.WhenAll(
            regionRows.Select(r => RegionLane(r.Key).DeliverAsync(r.Value, seq)).Concat(
            honoreeRows.Select(h => HonoreeLane(h.Key).DeliverAsync(h.Value, seq)))).ConfigureAwait(false);
        Lag.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private Lane<RegionRow> RegionLane(string code) => _regions.GetOrAdd(code, c =>
    {
        var grain = grains.GetGrain<IRegionRollupGrain>(c);
        return new Lane<RegionRow>($"region {c}", r => (r.RegionCode, r.CampaignId, r.Day), r => r.Seq,
            (after, seq, rows) => grain.ApplyAsync(new RollupDelivery<RegionRow>(storage.Shard, after, seq, rows)), logger);
    });

    private Lane<HonoreeRow> HonoreeLane(string id) => _honorees.GetOrAdd(id, h =>
    {
        var grain = grains.GetGrain<IHonoreeGrain>(h);
        return new Lane<HonoreeRow>($"honoree {h}", r => (r.CampaignId, r.ProvinceCode), r => r.Seq,
            (after, seq, rows) => grain.ApplyAsync(new RollupDelivery<HonoreeRow>(storage.Shard, after, seq, rows)), logger);
    });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RetryInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            await Task.WhenAll(_regions.Values.Select(l => l.RetryAsync()).Concat(_honorees.Values.Select(l => l.RetryAsync()))).ConfigureAwait(false);
    }

    private static void Add<TRow>(Dictionary<string, List<TRow>> into, string key, TRow row)
    {
        if (!into.TryGetValue(key, out var list)) into[key] = list = [];
        list.Add(row);
    }

    /// <summary>
    /// Deliveries to one grain. <c>after</c> tells the grain the last batch this process delivered to it (null for the
    /// first), so it can recognise a gap. Undelivered rows are kept, newest per key, and sent before anything newer.
    /// </summary>
    private sealed class Lane<TRow>(string name, Func<TRow, object> keyOf, Func<TRow, long> seqOf,
        Func<long?, long, IReadOnlyList<TRow>, Task> send, ILogger logger)
    {
        private readonly Lock _lock = new();
        private long? _delivered;
        private Dictionary<object, TRow>? _undelivered;
        private long _undeliveredSeq;
        private bool _retrying;

        public async Task DeliverAsync(IReadOnlyList<TRow> rows, long seq)
        {
            long? after;
            lock (_lock)
            {
                if (_undelivered is not null)
                {
                    Keep(rows, seq); // must not overtake the rows still waiting
                    return;
                }
                after = _delivered;
            }
            try
            {
                await send(after, seq, rows).ConfigureAwait(false);
                lock (_lock) _delivered = Math.Max(_delivered ?? -1, seq);
            }
            catch (Exception error)
            {
                logger.LogWarning(error, "Delivering rollup rows of batch {Seq} to {Grain} failed; will retry", seq, name);
                lock (_lock) Keep(rows, seq);
            }
        }

        public async Task RetryAsync()
        {
            long? after;
            long seq;
            TRow[] rows;
            lock (_lock)
            {
                if (_undelivered is null || _retrying) return;
                (after, seq, rows, _retrying) = (_delivered, _undeliveredSeq, [.. _undelivered.Values], true);
                _undelivered = null;
            }
            try
            {
                await send(after, seq, rows).ConfigureAwait(false);
                lock (_lock) _delivered = Math.Max(_delivered ?? -1, seq);
            }
            catch (Exception)
            {
                lock (_lock) Keep(rows, seq);
            }
            finally
            {
                lock (_lock) _retrying = false;
            }
        }

        private void Keep(IEnumerable<TRow> rows, long seq)
        {
            _undelivered ??= [];
            foreach (var row in rows)
                if (!_undelivered.TryGetValue(keyOf(row), out var held) || seqOf(held) < seqOf(row)) _undelivered[keyOf(row)] = row;
            _undeliveredSeq = Math.Max(_undeliveredSeq, seq);
        }
    }
}
