using Grassroots.Domain.Model;
using Grassroots.Domain.Regions;

namespace Grassroots.Domain.Rollups;

/// <summary>
/// What a silo holds of a region with children (a city, a province or CN): per node — the region itself or one of its
/// children — and campaign, the figures of every day in date order and their running total, and the node's registered
/// branches. A change to a child is a change to the region too. A region without children (a county) is read from its
/// parent's figures, which keep each child's days anyway.
/// </summary>
public sealed class RegionFigures(string self, IReadOnlyList<string> children)
{
    private readonly Dictionary<(string Node, string Campaign), CampaignFigures> _campaigns = [];
    private readonly Dictionary<string, long> _registered = [];

    public void Add(string node, string campaignId, DateOnly day, Figures figures)
    {
        AddTo(node, campaignId, day, figures);
        if (node != self) AddTo(self, campaignId, day, figures);
    }

    public void AddRegistered(string node, long delta)
    {
        _registered[node] = _registered.GetValueOrDefault(node) + delta;
        if (node != self) _registered[self] = _registered.GetValueOrDefault(self) + delta;
    }

    /// <summary>The totals of <paramref name="node"/> (this region or a child) and, for the region itself, of each child.</summary>
    public RollupView View(string node, string campaignId, DateOnly? from, DateOnly? to, DateOnly today)
    {
        var each = node == self ? new ChildTotals[children.Count] : [];
        for (var i = 0; i < each.Length; i++) each[i] = new ChildTotals(children[i], Sum(children[i], campaignId, from, to, today));
        return new(Sum(node, campaignId, from, to, today), each);
    }

    /// <summary>
    /// Figures of one node over records dated from..to. Without a range the campaign's running total answers; with one,
    /// the days do, and a branch counts as active when its earliest record is dated on or before to (or today).
    /// </summary>
    public Totals Sum(string node, string campaignId, DateOnly? from, DateOnly? to, DateOnly today)
    {
        var registered = _registered.GetValueOrDefault(node);
        if (from is null && to is null) return Total(node, campaignId, registered);
        var (first, last, asOf) = (from ?? DateOnly.MinValue, to ?? DateOnly.MaxValue, to ?? today);
        var sum = Figures.Zero;
        long active = 0;
        foreach (var (day, figures) in Days(node, campaignId))
        {
            if (day > asOf && day > last) break;
            if (day <= asOf) active += figures.ActiveBranches;
            if (day >= first && day <= last) sum += figures.Counted;
        }
        return (sum with { ActiveBranches = active }).WithRegistered(registered);
    }

    /// <summary>The node's totals per day, week (from Monday) or month, from..to.</summary>
    public IReadOnlyList<SeriesPoint> Series(string node, string campaignId, SeriesInterval interval, DateOnly from, DateOnly to)
    {
        // One pass over the days in order: each day adds to the active count of every later bucket, and its counted
        // figures to the bucket it falls in.
        var registered = _registered.GetValueOrDefault(node);
        var points = new List<SeriesPoint>();
        long active = 0;
        using var day = Days(node, campaignId).GetEnumerator();
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
        return points;
    }

    /// <summary>The figures of a region's counties per child they lie under, as of <paramref name="snapshot"/>.</summary>
    public static async Task<RegionFigures> LoadAsync(string code, RegionDirectory regions, RollupStore.Snapshot snapshot)
    {
        var children = regions.Children(code).Select(c => c.Code).ToList();
        var figures = new RegionFigures(code, children);
        var counties = CountyNodes(children, regions);
        foreach (var (node, campaign, day, f) in await snapshot.DaysByNodeAsync(counties))
            figures.Add(node, campaign, day, f);
        foreach (var (node, count) in await snapshot.RegisteredByNodeAsync(counties))
            figures.AddRegistered(node, count);
        return figures;
    }

    /// <summary>Every county under the region's children, with the child it lies under.</summary>
    private static List<(string County, string Node)> CountyNodes(IReadOnlyList<string> children, RegionDirectory regions)
    {
        var pairs = new List<(string, string)>();
        void Collect(string code, string node)
        {
            var below = regions.Children(code);
            if (below.Count == 0) pairs.Add((code, node));
            foreach (var child in below) Collect(child.Code, node);
        }
        foreach (var child in children) Collect(child, child);
        return pairs;
    }

    /// <summary>
    /// The campaign's running total of <paramref name="node"/>: the answer made for the last read, while no change has
    /// come since (a national read answers 32 of these, and reads come far more often than a batch of changes).
    /// </summary>
    private Totals Total(string node, string campaignId, long registered)
    {
        if (!_campaigns.TryGetValue((node, campaignId), out var campaign)) return Figures.Zero.WithRegistered(registered);
        if (campaign.Answered is not { } answered || answered.RegisteredBranches != registered)
            campaign.Answered = answered = campaign.Total.WithRegistered(registered);
        return answered;
    }

    private IEnumerable<KeyValuePair<DateOnly, Figures>> Days(string node, string campaignId) =>
        _campaigns.TryGetValue((node, campaignId), out var campaign) ? campaign.Days : [];

    private void AddTo(string node, string campaignId, DateOnly day, Figures figures)
    {
        if (!_campaigns.TryGetValue((node, campaignId), out var campaign)) _campaigns[(node, campaignId)] = campaign = new CampaignFigures();
        var sum = campaign.Days.GetValueOrDefault(day) + figures;
        if (sum.IsZero) campaign.Days.Remove(day);
        else campaign.Days[day] = sum;
        campaign.Total += figures;
        campaign.Answered = null;
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

    private sealed class CampaignFigures
    {
        public SortedDictionary<DateOnly, Figures> Days { get; } = [];
        public Figures Total { get; set; }

        /// <summary><see cref="Total"/> with the registered branches of the last read that asked, or null after a change.</summary>
        public Totals? Answered { get; set; }
    }
}
