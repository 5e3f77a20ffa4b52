using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Regions;
using Grassroots.Domain.Rollups;
using Grassroots.Storage;

namespace Grassroots.Domain.Grains;

/// <summary>
/// The figures of a region and of its direct children, for every campaign and day, in memory: one call answers a
/// region with its children, or one of its children that has none (a county). The database keeps figures per county
/// only; this grain sums its counties as it loads them (from one snapshot, when it activates) and as silos' aggregators
/// send what their batches add. A read sums at most the days of one campaign and never touches the database.
/// </summary>
[GrainType(Constants.GrainTypes.RegionRollup)]
public sealed class RegionRollupGrain(Database database, RegionDirectory regions, TimeProvider clock, LocalRollupHolders holders)
    : Grain, IRegionRollupGrain
{
    private HeldFigures<RegionFigures>? _figures;
    private IReadOnlyList<string> _children = [];

    private string Code => this.GetPrimaryKeyString();

    private RegionFigures Held => _figures!.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _children = [.. regions.Children(Code).Select(c => c.Code)];
        _figures = new HeldFigures<RegionFigures>(LoadAsync);
        await _figures.LoadAsync();
        var self = this.AsReference<IRegionRollupGrain>();
        holders.Add(this.GetGrainId(), self.ReloadAsync);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        holders.Remove(this.GetGrainId());
        return Task.CompletedTask;
    }

    public Task<RollupView> GetRollupAsync(string code, string campaignId, DateOnly? from, DateOnly? to) => Task.FromResult(new RollupView(
        Sum(code, campaignId, from, to), code == Code ? [.. _children.Select(c => new ChildTotals(c, Sum(c, campaignId, from, to)))] : []));

    public Task<Totals> GetTotalsAsync(string code, string campaignId, DateOnly? from, DateOnly? to) => Task.FromResult(Sum(code, campaignId, from, to));

    public Task<IReadOnlyList<SeriesPoint>> GetSeriesAsync(string code, string campaignId, SeriesInterval interval, DateOnly from, DateOnly to)
    {
        // One pass over the days in order: each day adds to the active count of every later bucket, and its counted
        // figures to the bucket it falls in.
        var days = Held.Days(code, campaignId);
        var registered = Held.Registered(code);
        var points = new List<SeriesPoint>();
        long active = 0;
        using var day = days.GetEnumerator();
        var pending = day.MoveNext();
        for (var start = BucketStart(from, interval); start <= to; start = Next(start, interval))
        {
            var first = start < from ? from : start;
            var end = Next(start, interval).AddDays(-1);
            var last = end > to ? to : end;
            var sum = Figures.Zero;
            for (; pending && day.Current.Key <= last; pending = day.MoveNext())
            {
                active += day.Current.Value.ActiveBranches;
                if (day.Current.Key >= first) sum += day.Current.Value.Counted;
            }
            points.Add(new SeriesPoint(start, (sum with { ActiveBranches = active }).WithRegistered(registered)));
        }
        return Task.FromResult<IReadOnlyList<SeriesPoint>>(points);
    }

    public Task<long> ApplyAsync(RollupDelivery<RegionChange> delivery) => _figures!.ApplyAsync(delivery, static (figures, change) =>
    {
        if (change.Day is { } day) figures.Add(day.Code, day.CampaignId, day.Day, day.Figures);
        if (change.Registered is { } registered) figures.AddRegistered(registered.Code, registered.Delta);
    });

    public Task ReloadAsync() => _figures!.LoadAsync();

    /// <summary>
    /// Figures of one region over records dated from..to. Without a range the campaign's running total answers; with
    /// one, the days do, and a branch counts as active when its earliest record is dated on or before to (or today).
    /// </summary>
    private Totals Sum(string node, string campaignId, DateOnly? from, DateOnly? to)
    {
        var registered = Held.Registered(node);
        if (from is null && to is null) return Held.Total(node, campaignId).WithRegistered(registered);
        var (first, last, asOf) = (from ?? DateOnly.MinValue, to ?? DateOnly.MaxValue, to ?? clock.Today());
        var sum = Figures.Zero;
        long active = 0;
        foreach (var (day, figures) in Held.Days(node, campaignId))
        {
            if (day > asOf && day > last) break;
            if (day <= asOf) active += figures.ActiveBranches;
            if (day >= first && day <= last) sum += figures.Counted;
        }
        return (sum with { ActiveBranches = active }).WithRegistered(registered);
    }

    /// <summary>
    /// The figures of this region's counties, added up in the database per child they lie under (a province's ~100
    /// counties become its ~15 cities' rows, CN's million county-days its provinces' ten thousand), as of one snapshot.
    /// </summary>
    private Task<(RegionFigures, IReadOnlyDictionary<string, long>)> LoadAsync() => database.InSnapshotAsync(async snapshot =>
    {
        var figures = new RegionFigures(Code);
        var nodes = database.PairsRelation(CountyNodes(), "county", "node", out var args);
        var sums = string.Join(", ", Figures.Columns.Select(c => $"SUM(c.{c})"));
        foreach (var (node, campaign, day, f) in await snapshot.QueryAsync(
            $"SELECT p.node, c.campaign_id, c.day, {sums} FROM {Tables.CountyDays.Name} c JOIN {nodes} ON p.county = c.county_code " +
            "GROUP BY p.node, c.campaign_id, c.day", args,
            r => (r.GetString(0), r.GetString(1), r.Date(2), Figures.FromColumns([.. Enumerable.Range(3, Figures.Columns.Length).Select(r.Long)]))))
            figures.Add(node, campaign, day, f);
        foreach (var (node, count) in await snapshot.QueryAsync(
            $"SELECT p.node, SUM(c.registered) FROM {Tables.CountyBranches.Name} c JOIN {nodes} ON p.county = c.county_code GROUP BY p.node",
            args, r => (r.GetString(0), r.Long(1))))
            figures.AddRegistered(node, count);
        var seqs = (await snapshot.QueryAsync("SELECT shard, seq FROM shards", [], r => (r.GetString(0), r.Long(1)))).ToDictionary();
        return (figures, (IReadOnlyDictionary<string, long>)seqs);
    });

    /// <summary>Every county under this region with the child of this region it lies under.</summary>
    private List<(string County, string Node)> CountyNodes()
    {
        var pairs = new List<(string, string)>();
        void Collect(string code, string node)
        {
            var children = regions.Children(code);
            if (children.Count == 0) pairs.Add((code, node));
            foreach (var child in children) Collect(child.Code, node);
        }
        foreach (var child in _children) Collect(child, child);
        return pairs;
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
