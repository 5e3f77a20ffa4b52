using Grassroots.Domain.Caching;
using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Regions;
using Grassroots.Domain.Rollups;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grassroots.Storage;
using Microsoft.Extensions.Logging;

namespace Grassroots.Domain.Grains;

/// <summary>
/// One per silo (a stateless worker kept alive): the batches this silo commits report here what they added to the
/// rollups, and every <see cref="FlushInterval"/> it sends each region and honoree grain what concerns it, one call per
/// grain and writer shard, whatever the number of records — Orleans' staged aggregation, so the national grain is never
/// a hot spot. A county's figures go to the county and every region above it, each as the child they fall under.
/// <para>
/// Each delivery is the sum of a run of the shard's batches: every batch after where the grain's figures end, as far as
/// known here, up to the last batch before which none is missing (batches of one shard commit in order, but their
/// writers report them in any order). The grain takes it only if its figures end exactly where the run starts, and
/// answers where they end (<see cref="HeldFigures{TState}"/>); batches are kept apart here until then. When a lane reports
/// that a batch may be missing (a commit whose outcome was never known), or one stays missing for
/// <see cref="MissingPatience"/>, every rollup grain in the cluster loads again.
/// </para>
/// </summary>
[GrainType(Constants.GrainTypes.RollupAggregator), StatelessWorker(1, removeIdleWorkers: false), KeepAlive, Reentrant]
public sealed class RollupAggregatorGrain(RegionDirectory regions, SiloCaches caches, ILogger<RollupAggregatorGrain> logger)
    : Grain, IRollupAggregatorGrain
{
    /// <summary>
    /// Short enough that headquarters sees a write within a quarter of a second; long enough that under load each grain
    /// gets one call per flush for many batches (at the evening peak every city, province and CN has something each time).
    /// </summary>
    public static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan MissingPatience = TimeSpan.FromSeconds(5);

    private static readonly Histogram<double> Lag = GrassrootsTelemetry.Meter.CreateHistogram<double>(
        "grassroots.rollup.lag", "ms", "From a committed batch's hand-over to the aggregator to the delivery of its figures to a rollup grain");

    private readonly Dictionary<string, Chain> _chains = [];
    private readonly Dictionary<(string Code, string Shard), Outbox<RegionChange>> _regions = [];
    private readonly Dictionary<(string Id, string Shard), Outbox<HonoreeProvince>> _honorees = [];
    private Task? _flushing;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        this.RegisterGrainTimer(_ => _flushing is null ? FlushAsync() : Task.CompletedTask, new GrainTimerCreationOptions(FlushInterval, FlushInterval) { Interleave = true, KeepAlive = true });
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => FlushAsync();

    public Task AddAsync(CommittedChanges changes)
    {
        if (!_chains.TryGetValue(changes.Shard, out var chain)) _chains[changes.Shard] = chain = new Chain(changes.Previous);
        if (changes.Gap) Restart(changes.Shard, chain, changes.Previous, "its lane could not tell whether a batch committed");
        chain.Arrived(changes.Previous, changes.Seq);

        foreach (var (code, batch) in RegionChanges(changes))
            OutboxOf(_regions, (code, changes.Shard), chain, MergeRegion).Add(changes.Seq, batch);
        foreach (var honoree in changes.Honorees.GroupBy(h => h.HonoreeId))
            OutboxOf(_honorees, (honoree.Key, changes.Shard), chain, MergeHonoree).Add(changes.Seq, [.. honoree]);
        return Task.CompletedTask;
    }

    /// <summary>Sends what is ready; a flush under way is waited for first, so when this returns everything added before it has gone.</summary>
    public async Task FlushAsync()
    {
        if (_flushing is { } running) await running;
        var flush = SendReadyAsync();
        _flushing = flush;
        try
        {
            await flush;
        }
        finally
        {
            if (ReferenceEquals(_flushing, flush)) _flushing = null;
        }
    }

    private async Task SendReadyAsync()
    {
        foreach (var (shard, chain) in _chains)
            if (chain.MissingSince is { } since && DateTime.UtcNow - since > MissingPatience)
                Restart(shard, chain, chain.OldestWaiting, $"a batch after {chain.Contiguous} never arrived");
        var sends = new List<Task>();
        foreach (var ((code, shard), outbox) in _regions)
            sends.Add(SendAsync(outbox, shard, d => GrainFactory.GetGrain<IRegionRollupGrain>(code).ApplyAsync(d), code));
        foreach (var ((id, shard), outbox) in _honorees)
            sends.Add(SendAsync(outbox, shard, d => GrainFactory.GetGrain<IHonoreeGrain>(id).ApplyAsync(d), id));
        await Task.WhenAll(sends);
    }

    /// <summary>
    /// Sends what is ready for one grain. When the grain answers that its figures end inside the run (it loaded them since
    /// the last delivery), the rest of the run goes at once, not a flush later, so a flush leaves nothing ready behind.
    /// </summary>
    private async Task SendAsync<T>(Outbox<T> outbox, string shard, Func<RollupDelivery<T>, Task<long>> apply, string grain)
    {
        while (outbox.Ready(shard, _chains[shard].Contiguous) is { } delivery)
        {
            try
            {
                var held = await apply(delivery);
                Lag.Record(Stopwatch.GetElapsedTime(outbox.Sent(held)).TotalMilliseconds);
                if (held <= delivery.After || held >= delivery.UpTo) return;
            }
            catch (Exception error)
            {
                // Kept, and sent again with whatever comes next; the grain takes a run of batches only where its figures end.
                outbox.Failed();
                // Information: the delivery is tried again until it succeeds (a failure that lasts shows as rollup lag).
                logger.LogInformation(error, "Sending rollup changes of {Shard} up to batch {Seq} to {Grain} failed; trying again", delivery.Shard, delivery.UpTo, grain);
                return;
            }
        }
    }

    /// <summary>
    /// The batch's figures per region grain that holds them: a county's figures go to every region above it, each keyed
    /// by the child of that region they fall under (a county has no grain: its parent answers for it).
    /// </summary>
    private Dictionary<string, List<RegionChange>> RegionChanges(CommittedChanges changes)
    {
        var result = new Dictionary<string, List<RegionChange>>();
        void Add(string holder, RegionChange change)
        {
            if (!result.TryGetValue(holder, out var list)) result[holder] = list = [];
            list.Add(change);
        }
        foreach (var county in changes.Days)
        {
            var chain = regions.Chain(county.Code);
            for (var i = 1; i < chain.Count; i++) Add(chain[i], new RegionChange(county with { Code = chain[i - 1] }, null));
        }
        foreach (var county in changes.Registered)
        {
            var chain = regions.Chain(county.Code);
            for (var i = 1; i < chain.Count; i++) Add(chain[i], new RegionChange(null, county with { Code = chain[i - 1] }));
        }
        return result;
    }

    /// <summary>A run of batches' changes to one region grain, added up per child and day and per child's registrations.</summary>
    private static List<RegionChange> MergeRegion(IEnumerable<RegionChange> changes)
    {
        var days = new Dictionary<(string Node, string Campaign, DateOnly Day), Figures>();
        var registered = new Dictionary<string, long>();
        foreach (var change in changes)
        {
            if (change.Day is { } d) days[(d.Code, d.CampaignId, d.Day)] = days.GetValueOrDefault((d.Code, d.CampaignId, d.Day)) + d.Figures;
            if (change.Registered is { } r) registered[r.Code] = registered.GetValueOrDefault(r.Code) + r.Delta;
        }
        return
        [
            .. days.Where(d => !d.Value.IsZero).Select(d => new RegionChange(new CountyDay(d.Key.Node, d.Key.Campaign, d.Key.Day, d.Value), null)),
            .. registered.Where(r => r.Value != 0).Select(r => new RegionChange(null, new CountyCount(r.Key, r.Value))),
        ];
    }

    /// <summary>A run of batches' changes to one honoree, added up per campaign and province.</summary>
    private static List<HonoreeProvince> MergeHonoree(IEnumerable<HonoreeProvince> changes) =>
        [.. changes.GroupBy(c => (c.HonoreeId, c.CampaignId, c.Province))
            .Select(g => new HonoreeProvince(g.Key.HonoreeId, g.Key.CampaignId, g.Key.Province, g.Aggregate(default(TalkFigures), (a, c) => a + c.Figures)))
            .Where(c => !c.Figures.IsZero)];

    private static Outbox<T> OutboxOf<TKey, T>(Dictionary<TKey, Outbox<T>> outboxes, TKey key, Chain chain,
        Func<IEnumerable<T>, List<T>> merge) where TKey : notnull
    {
        if (!outboxes.TryGetValue(key, out var outbox)) outboxes[key] = outbox = new Outbox<T>(chain.Start, merge);
        return outbox;
    }

    /// <summary>
    /// Batches of <paramref name="shard"/> up to <paramref name="at"/> may never be reported here: every rollup grain of
    /// the cluster loads its figures again, and deliveries start over from there.
    /// </summary>
    private void Restart(string shard, Chain chain, long at, string why)
    {
        logger.LogWarning("Rollup grains load their figures again: on writer shard {Shard}, {Why}", shard, why);
        chain.RestartAt(at);
        foreach (var ((_, s), outbox) in _regions) if (s == shard) outbox.RestartAt(at);
        foreach (var ((_, s), outbox) in _honorees) if (s == shard) outbox.RestartAt(at);
        _ = caches.ForgetEverywhereAsync(LocalRollupHolders.CacheKind, shard);
    }

    /// <summary>The batches of one shard as they arrive: how far they are complete, and those that came early.</summary>
    private sealed class Chain(long start)
    {
        private readonly SortedDictionary<long, long> _early = []; // previous → seq

        public long Start { get; private set; } = start;

        /// <summary>Every batch of the shard up to this one has arrived (or is in the figures grains load).</summary>
        public long Contiguous { get; private set; } = start;

        public DateTime? MissingSince { get; private set; }

        public long OldestWaiting => _early.Count == 0 ? Contiguous : _early.Keys.First();

        public void Arrived(long previous, long seq)
        {
            if (seq <= Contiguous) return;
            if (previous > Contiguous)
            {
                _early[previous] = seq;
                MissingSince ??= DateTime.UtcNow;
                return;
            }
            Contiguous = seq;
            while (_early.Remove(Contiguous, out var next)) Contiguous = next;
            MissingSince = _early.Count == 0 ? null : DateTime.UtcNow;
        }

        public void RestartAt(long at)
        {
            Start = Math.Max(Start, at);
            if (at > Contiguous) Contiguous = at;
            foreach (var previous in _early.Keys.Where(p => p < Contiguous).ToList()) _early.Remove(previous);
            while (_early.Remove(Contiguous, out var next)) Contiguous = next;
            MissingSince = _early.Count == 0 ? null : DateTime.UtcNow;
        }
    }

    /// <summary>
    /// What waits to go to one grain from one shard: changes per batch (kept apart until the grain has them, in case it
    /// answers that its figures end inside the run sent), and where the grain's figures end as far as known.
    /// </summary>
    private sealed class Outbox<T>(long after, Func<IEnumerable<T>, List<T>> merge)
    {
        private readonly SortedDictionary<long, List<T>> _pending = [];
        private readonly Dictionary<long, long> _addedAt = [];
        private bool _sending;

        public long After { get; private set; } = after;

        public void Add(long seq, List<T> changes)
        {
            if (_pending.TryGetValue(seq, out var held)) held.AddRange(changes);
            else
            {
                _pending[seq] = changes;
                _addedAt[seq] = Stopwatch.GetTimestamp();
            }
        }

        /// <summary>
        /// The changes of every held batch after <see cref="After"/> up to <paramref name="contiguous"/>, added up; null
        /// when there are none or a delivery is on its way.
        /// </summary>
        public RollupDelivery<T>? Ready(string shard, long contiguous)
        {
            if (_sending || _pending.Count == 0 || _pending.Keys.First() > contiguous) return null;
            _sending = true;
            return new RollupDelivery<T>(shard, After, contiguous,
                merge(_pending.TakeWhile(p => p.Key <= contiguous).Where(p => p.Key > After).SelectMany(p => p.Value)));
        }

        /// <summary>The grain's figures end at <paramref name="held"/>: drops what it has; returns when the oldest of it was added.</summary>
        public long Sent(long held)
        {
            var oldest = Stopwatch.GetTimestamp();
            foreach (var seq in _pending.Keys.TakeWhile(s => s <= held).ToList())
            {
                _pending.Remove(seq);
                if (_addedAt.Remove(seq, out var at)) oldest = Math.Min(oldest, at);
            }
            After = Math.Max(After, held);
            _sending = false;
            return oldest;
        }

        public void Failed() => _sending = false;

        public void RestartAt(long at)
        {
            foreach (var seq in _pending.Keys.TakeWhile(s => s <= at).ToList())
            {
                _pending.Remove(seq);
                _addedAt.Remove(seq);
            }
            After = Math.Max(After, at);
        }
    }
}
