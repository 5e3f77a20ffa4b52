using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Rollups;
using Grassroots.Runtime;
using Grassroots.Storage;

namespace Grassroots.Domain.Grains;

/// <summary>
/// A region's rollup rows for every campaign and shard, in memory. Rows hold absolute values stamped with
/// their batch sequence, so a push or poll applies only when newer: arrival order does not matter.
/// A read sums at most days × shards rows; it never touches the facts.
/// </summary>
public sealed class RegionRollupGrain(Database database, RollupFeed feed, TimeProvider clock) : Grain, IRegionRollupGrain
{
    private readonly Dictionary<(string Campaign, DateOnly Day), Dictionary<string, (long[] Values, long Seq)>> _cells = [];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        feed.Subscribe(GrainKey);
        var t = Tables.RegionRollups;
        var rows = await database.QueryAsync(
            $"SELECT {t.ColumnList}, seq FROM {t.Name} WHERE region_code = $1",
            [GrainKey], RollupFeed.ReadRow, cancellationToken).ConfigureAwait(false);
        Apply(rows);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        feed.Unsubscribe(GrainKey);
        return Task.CompletedTask;
    }

    public Task ApplyAsync(IReadOnlyList<RollupRow> rows)
    {
        Apply(rows);
        return Task.CompletedTask;
    }

    private void Apply(IEnumerable<RollupRow> rows)
    {
        foreach (var row in rows)
        {
            if (!_cells.TryGetValue((row.CampaignId, row.Day), out var shards)) _cells[(row.CampaignId, row.Day)] = shards = [];
            if (!shards.TryGetValue(row.Shard, out var held) || held.Seq <= row.Seq) shards[row.Shard] = (row.Values, row.Seq);
        }
    }

    public Task<Totals> GetTotalsAsync(string campaignId, DateOnly? from, DateOnly? to) =>
        Task.FromResult(Sum(campaignId, from ?? DateOnly.MinValue.AddDays(1), to ?? DateOnly.MaxValue, to ?? clock.Today(), whole: from is null && to is null));

    public Task<IReadOnlyList<SeriesPoint>> GetSeriesAsync(string campaignId, SeriesInterval interval, DateOnly from, DateOnly to)
    {
        var points = new List<SeriesPoint>();
        for (var start = BucketStart(from, interval); start <= to; start = Next(start, interval))
        {
            var end = Next(start, interval).AddDays(-1);
            var first = start < from ? from : start;
            var last = end > to ? to : end;
            points.Add(new SeriesPoint(start, Sum(campaignId, first, last, last, whole: false)));
        }
        return Task.FromResult<IReadOnlyList<SeriesPoint>>(points);
    }

    /// <summary>Counted figures over days first..last; active branches as of <paramref name="activeAsOf"/>.</summary>
    private Totals Sum(string campaignId, DateOnly first, DateOnly last, DateOnly activeAsOf, bool whole)
    {
        var sum = new long[Totals.Count];
        long active = 0;
        foreach (var ((campaign, day), shards) in _cells)
        {
            if (campaign != campaignId) continue;
            foreach (var (values, _) in shards.Values)
            {
                if (day == RollupDeltas.TotalDay)
                {
                    if (whole) Add(sum, values);
                    continue;
                }
                if (day <= activeAsOf) active += values[Totals.ActiveBranchesAt];
                if (!whole && day >= first && day <= last) Add(sum, values);
            }
        }
        sum[Totals.ActiveBranchesAt] = whole ? sum[Totals.ActiveBranchesAt] : active;
        sum[Totals.RegisteredBranchesAt] = _cells.TryGetValue((RollupDeltas.AllCampaigns, RollupDeltas.TotalDay), out var registered)
            ? registered.Values.Sum(c => c.Values[Totals.RegisteredBranchesAt])
            : 0;
        return Totals.From(sum);
    }

    private static void Add(long[] sum, long[] values)
    {
        for (var i = 0; i < Totals.ActiveBranchesAt; i++) sum[i] += values[i];
        sum[Totals.ActiveBranchesAt] += values[Totals.ActiveBranchesAt];
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
