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
/// increments to one row arrive as that row's one new value, and batches that commit while a grain's previous delivery
/// is under way go to it together. Writers are acknowledged once their rows are delivered, so a read after a write sees
/// it, on every silo. A delivery that fails (the grain's silo is dying) is tried again every <see cref="RetryInterval"/>.
/// </summary>
public sealed class RollupForwarder(IGrainFactory grains, RegionDirectory regions, GroupCommitter committer, StorageOptions storage,
    ILogger<RollupForwarder> logger) : IHostedService, ICommitListener
{
    public static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(200);

    private static readonly Histogram<double> Lag = GrassrootsTelemetry.Meter.CreateHistogram<double>(
        "grassroots.rollup.lag", "ms", "From a batch's commit to the delivery of its rows to the rollup grains");

    private readonly ConcurrentDictionary<string, Lane<RegionRow>> _regions = new();
    private readonly ConcurrentDictionary<string, Lane<HonoreeRow>> _honorees = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        committer.AddListener(this);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

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

    private static void Add<TRow>(Dictionary<string, List<TRow>> into, string key, TRow row)
    {
        if (!into.TryGetValue(key, out var list)) into[key] = list = [];
        list.Add(row);
    }

    /// <summary>
    /// Deliveries to one grain, one call at a time: rows that arrive while a call is under way wait and go together in
    /// the next, newest per key, so under load a grain gets one call per round trip however many batches commit.
    /// <c>after</c> tells the grain the last batch this process delivered to it (null for the first), so it can
    /// recognise a gap. A call that fails is tried again every <see cref="RetryInterval"/> with whatever came since.
    /// </summary>
    private sealed class Lane<TRow>(string name, Func<TRow, object> keyOf, Func<TRow, long> seqOf,
        Func<long?, long, IReadOnlyList<TRow>, Task> send, ILogger logger)
    {
        private readonly Lock _lock = new();
        private long? _delivered;
        private Dictionary<object, TRow> _waiting = [];
        private long _waitingSeq;
        private TaskCompletionSource _waitingDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _sending;

        /// <summary>Completes when these rows have reached the grain (in this call or a later one).</summary>
        public Task DeliverAsync(IReadOnlyList<TRow> rows, long seq)
        {
            Task done;
            lock (_lock)
            {
                Keep(rows, seq);
                done = _waitingDone.Task;
                if (_sending) return done;
                _sending = true;
            }
            _ = Task.Run(SendAsync);
            return done;
        }

        private async Task SendAsync()
        {
            for (var failures = 0; ;)
            {
                long? after;
                long seq;
                TRow[] rows;
                TaskCompletionSource done;
                lock (_lock)
                {
                    if (_waiting.Count == 0)
                    {
                        _sending = false;
                        return;
                    }
                    (after, seq, rows, done) = (_delivered, _waitingSeq, [.. _waiting.Values], _waitingDone);
                    (_waiting, _waitingDone) = ([], new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                }
                try
                {
                    await send(after, seq, rows).ConfigureAwait(false);
                    lock (_lock) _delivered = Math.Max(_delivered ?? -1, seq);
                    done.TrySetResult();
                    failures = 0;
                }
                catch (Exception error)
                {
                    if (failures++ == 0) logger.LogWarning(error, "Delivering rollup rows of batch {Seq} to {Grain} failed; retrying", seq, name);
                    lock (_lock)
                    {
                        // Back in front of whatever came since; their writers are told when these arrive too.
                        Keep(rows, seq);
                        var later = _waitingDone;
                        _waitingDone = done;
                        _ = done.Task.ContinueWith(_ => later.TrySetResult(), TaskScheduler.Default);
                    }
                    await Task.Delay(RetryInterval).ConfigureAwait(false);
                }
            }
        }

        private void Keep(IEnumerable<TRow> rows, long seq)
        {
            foreach (var row in rows)
                if (!_waiting.TryGetValue(keyOf(row), out var held) || seqOf(held) < seqOf(row)) _waiting[keyOf(row)] = row;
            _waitingSeq = Math.Max(_waitingSeq, seq);
        }
    }
}
