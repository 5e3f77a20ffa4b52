using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Regions;
using Grassroots.Domain.Rollups;
using Grassroots.Storage;

namespace Grassroots.Domain.Grains;

/// <summary>
/// The rollup rows of a region and of its direct children, for every campaign and shard, in memory: one call answers
/// a region with its children. Loaded when the grain activates; afterwards kept current by the rows each silo delivers
/// as it commits them. A read sums at most days × shards rows per region and never touches the facts.
/// </summary>
[GrainType(Constants.GrainTypes.RegionRollup)]
public sealed class RegionRollupGrain(Database database, RegionDirectory regions, TimeProvider clock, LocalRollupHolders holders)
    : Grain, IRegionRollupGrain
{
    private readonly ShardedRows<(string Region, string Campaign, DateOnly Day)> _rows = new();
    private readonly Dictionary<(string Region, string Campaign), SortedSet<DateOnly>> _days = [];
    private IReadOnlyList<string> _children = [];

    private string Code => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _children = [.. regions.Children(Code).Select(c => c.Code)];
        await LoadAsync(shard: null);
        var self = this.AsReference<IRegionRollupGrain>();
        holders.Add(this.GetGrainId(), self.ResyncShardAsync);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        holders.Remove(this.GetGrainId());
        return Task.CompletedTask;
    }

    public Task<RollupView> GetRollupAsync(string campaignId, DateOnly? from, DateOnly? to) => Task.FromResult(new RollupView(
        Totals.From(Sum(Code, campaignId, from, to)),
        [.. _children.Select(c => new ChildTotals(c, Totals.From(Sum(c, campaignId, from, to))))]));

    public Task<Totals> GetTotalsAsync(string campaignId, DateOnly? from, DateOnly? to) =>
        Task.FromResult(Totals.From(Sum(Code, campaignId, from, to)));

    public Task<IReadOnlyList<SeriesPoint>> GetSeriesAsync(string campaignId, SeriesInterval interval, DateOnly from, DateOnly to)
    {
        // One pass over the days in order: each day adds to the active count of every later bucket, and its counted
        // figures to the bucket it falls in.
        var days = DaysOf(Code, campaignId);
        var registered = Registered(Code);
        var points = new List<SeriesPoint>();
        long active = 0;
        using var day = days.GetEnumerator();
        var pending = day.MoveNext();
        var cell = new long[Totals.Count];
        for (var start = BucketStart(from, interval); start <= to; start = Next(start, interval))
        {
            var first = start < from ? from : start;
            var end = Next(start, interval).AddDays(-1);
            var last = end > to ? to : end;
            var sum = new long[Totals.Count];
            for (; pending && day.Current <= last; pending = day.MoveNext())
            {
                Array.Clear(cell);
                _rows.AddTo((Code, campaignId, day.Current), cell);
                active += cell[Totals.ActiveBranchesAt];
                if (day.Current >= first) AddCounted(sum, cell);
            }
            sum[Totals.ActiveBranchesAt] = active;
            sum[Totals.RegisteredBranchesAt] = registered;
            points.Add(new SeriesPoint(start, Totals.From(sum)));
        }
        return Task.FromResult<IReadOnlyList<SeriesPoint>>(points);
    }

    public async Task ApplyAsync(RollupDelivery<RegionRow> delivery)
    {
        if (delivery.After is not { } after || after > _rows.Newest(delivery.Shard)) await LoadAsync(delivery.Shard);
        foreach (var row in delivery.Rows) Take(delivery.Shard, row);
        _rows.HeldUpTo(delivery.Shard, delivery.Seq);
    }

    public Task ResyncShardAsync(string shard) => LoadAsync(shard);

    /// <summary>
    /// Figures of one region over records dated from..to. Without a range the campaign-total row answers, active
    /// branches included; with one, the day rows do, and a branch counts as active when its earliest record is dated
    /// on or before to (or today).
    /// </summary>
    private long[] Sum(string region, string campaignId, DateOnly? from, DateOnly? to)
    {
        var sum = new long[Totals.Count];
        if (from is null && to is null)
        {
            _rows.AddTo((region, campaignId, RollupDeltas.TotalDay), sum);
        }
        else
        {
            var (first, last, asOf) = (from ?? DateOnly.MinValue, to ?? DateOnly.MaxValue, to ?? clock.Today());
            var cell = new long[Totals.Count];
            long active = 0;
            foreach (var day in DaysOf(region, campaignId))
            {
                if (day > asOf && day > last) break;
                Array.Clear(cell);
                _rows.AddTo((region, campaignId, day), cell);
                if (day <= asOf) active += cell[Totals.ActiveBranchesAt];
                if (day >= first && day <= last) AddCounted(sum, cell);
            }
            sum[Totals.ActiveBranchesAt] = active;
        }
        sum[Totals.RegisteredBranchesAt] = Registered(region);
        return sum;
    }

    private long Registered(string region)
    {
        var sum = new long[Totals.Count];
        _rows.AddTo((region, RollupDeltas.AllCampaigns, RollupDeltas.TotalDay), sum);
        return sum[Totals.RegisteredBranchesAt];
    }

    private IEnumerable<DateOnly> DaysOf(string region, string campaignId) =>
        _days.TryGetValue((region, campaignId), out var days) ? days : [];

    private static void AddCounted(long[] sum, long[] cell)
    {
        for (var i = 0; i < Totals.ActiveBranchesAt; i++) sum[i] += cell[i];
    }

    private void Take(string shard, RegionRow row)
    {
        if (!_rows.Apply(shard, (row.RegionCode, row.CampaignId, row.Day), row.Values, row.Seq) || row.Day == RollupDeltas.TotalDay) return;
        if (!_days.TryGetValue((row.RegionCode, row.CampaignId), out var days)) _days[(row.RegionCode, row.CampaignId)] = days = [];
        days.Add(row.Day);
    }

    /// <summary>Reads the rows of this region and its children, of one shard or of all.</summary>
    private async Task LoadAsync(string? shard)
    {
        var codes = new List<string>(_children.Count + 1) { Code };
        codes.AddRange(_children);
        var t = Tables.RegionRollups;
        var args = new List<object?>(codes);
        var sql = $"SELECT {t.ColumnList}, {t.SeqColumn} FROM {t.Name} WHERE region_code IN ({string.Join(", ", codes.Select((_, i) => $"${i + 1}"))})";
        if (shard is not null)
        {
            args.Add(shard);
            sql += $" AND shard = ${args.Count}";
        }
        var rows = await database.QueryAsync(sql, args, r =>
        {
            var values = new long[Totals.Count];
            for (var i = 0; i < values.Length; i++) values[i] = r.Long(4 + i);
            return (Shard: r.GetString(0), Row: new RegionRow(r.GetString(1), r.GetString(2), r.Date(3), values, r.Long(4 + values.Length)));
        }).Translated();
        foreach (var (rowShard, row) in rows) Take(rowShard, row);
        if (shard is not null) _rows.HeldUpTo(shard, rows.Count == 0 ? -1 : rows.Max(r => r.Row.Seq));
    }

    private static DateOnly BucketStart(DateOnly day, SeriesInterval interval) => interval switch
    {
        SeriesInterval.Week => day.AddDays(-(((int)day.DayOfWeek + 6) % 7)),
        SeriesInterval.Month => new DateOnly(day.Year, day.Month, 1),
        _ => day,
    };

    private static DateOnly Next(DateOnly start, SeriesInterval interval) => interval switch
    {
        SeriesInterval.Week => start.AddDays(7),
        SeriesInterval.Month => start.AddMonths(1),
        _ => start.AddDays(1),
    };
}
