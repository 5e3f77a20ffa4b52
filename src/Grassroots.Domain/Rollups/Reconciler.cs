using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Records;
using Grassroots.Domain.Regions;
using Grassroots.Storage;

namespace Grassroots.Domain.Rollups;

/// <summary>One rollup row whose stored sum over shards differs from a recount of the facts.</summary>
public sealed record RollupDifference(string Table, string Key, long[] Stored, long[] Recounted)
{
    public override string ToString() =>
        $"{Table} {Key}: stored [{string.Join(", ", Stored)}] recounted [{string.Join(", ", Recounted)}]";
}

/// <summary>
/// Recomputes every rollup from the fact tables — figures per region/campaign/day and campaign total,
/// active branches from each branch's earliest non-voided record, registered branches, honoree figures —
/// and compares with what the shards hold. The answer must always be no difference.
/// </summary>
public sealed class Reconciler(Database database, RegionDirectory regions)
{
    /// <summary>Compares within one snapshot of the database, so writes committed meanwhile never show as differences.</summary>
    public Task<IReadOnlyList<RollupDifference>> CompareAsync(CancellationToken cancellationToken = default) =>
        database.InSnapshotAsync(snapshot => CompareAsync(snapshot, cancellationToken), cancellationToken);

    private async Task<IReadOnlyList<RollupDifference>> CompareAsync(Snapshot snapshot, CancellationToken cancellationToken)
    {
        var expected = new Dictionary<(string Region, string Campaign, DateOnly Day), long[]>();
        void Add(string county, string campaign, DateOnly day, long[] values)
        {
            foreach (var code in regions.Chain(county))
            foreach (var d in new[] { day, RollupDeltas.TotalDay })
            {
                if (!expected.TryGetValue((code, campaign, d), out var sum)) expected[(code, campaign, d)] = sum = new long[Totals.Count];
                for (var i = 0; i < sum.Length; i++) sum[i] += values[i];
            }
        }

        foreach (var kind in RecordKinds.All)
        {
            var (table, day) = (kind.Table.Name, kind.DateColumn);
            var rows = await snapshot.QueryAsync(
                $"SELECT region_code, campaign_id, {day}, {string.Join(", ", kind.FigureColumns.Select(f => $"SUM({f})"))} " +
                $"FROM {table} WHERE NOT voided GROUP BY region_code, campaign_id, {day}",
                [], r => (Region: r.GetString(0), Campaign: r.GetString(1), Day: r.Date(2),
                    Values: Enumerable.Range(3, kind.FigureColumns.Count).Select(r.Long).Concat([0L, 0L]).ToArray()), cancellationToken).ConfigureAwait(false);
            foreach (var row in rows) Add(row.Region, row.Campaign, row.Day, row.Values);
        }

        // Each branch's earliest non-voided record per campaign (the county breaks a tie, as the branch grain does),
        // counted per (county, campaign, day) by the database: the facts never come into memory one by one.
        var records = string.Join(" UNION ALL ", RecordKinds.All.Select(k =>
            $"SELECT branch_id, campaign_id, {k.DateColumn} AS day, region_code FROM {k.Table.Name} WHERE NOT voided"));
        var firsts = await snapshot.QueryAsync(
            $"WITH r AS ({records}), f AS (SELECT branch_id, campaign_id, MIN(day) AS day FROM r GROUP BY branch_id, campaign_id) " +
            "SELECT x.region_code, x.campaign_id, x.day, COUNT(*) FROM (" +
            "SELECT f.branch_id, f.campaign_id, f.day, MIN(r.region_code) AS region_code FROM f " +
            "JOIN r ON r.branch_id = f.branch_id AND r.campaign_id = f.campaign_id AND r.day = f.day " +
            "GROUP BY f.branch_id, f.campaign_id, f.day) x GROUP BY x.region_code, x.campaign_id, x.day",
            [], r => (Region: r.GetString(0), Campaign: r.GetString(1), Day: r.Date(2), Count: r.Long(3)), cancellationToken).ConfigureAwait(false);
        foreach (var first in firsts)
        {
            var active = new long[Totals.Count];
            active[Totals.ActiveBranchesAt] = first.Count;
            Add(first.Region, first.Campaign, first.Day, active);
        }

        var branches = await snapshot.QueryAsync("SELECT region_code, COUNT(*) FROM branches GROUP BY region_code", [],
            r => (Region: r.GetString(0), Count: r.Long(1)), cancellationToken).ConfigureAwait(false);
        foreach (var (region, count) in branches)
        foreach (var code in regions.Chain(region))
        {
            var key = (code, RollupDeltas.AllCampaigns, RollupDeltas.TotalDay);
            if (!expected.TryGetValue(key, out var sum)) expected[key] = sum = new long[Totals.Count];
            sum[Totals.RegisteredBranchesAt] += count;
        }

        var t = Tables.RegionRollups;
        var stored = (await snapshot.QueryAsync(
            $"SELECT region_code, campaign_id, day, {string.Join(", ", t.Values.Select(v => $"SUM({v})"))} FROM {t.Name} GROUP BY region_code, campaign_id, day",
            [], r => (Key: (r.GetString(0), r.GetString(1), r.Date(2)), Values: Enumerable.Range(3, Totals.Count).Select(r.Long).ToArray()),
            cancellationToken).ConfigureAwait(false)).ToDictionary(x => x.Key, x => x.Values);

        var differences = Compare("region_rollups", expected, stored, k => $"{k.Item1}/{k.Item2}/{k.Item3:yyyy-MM-dd}");
        differences.AddRange(await CompareHonoreesAsync(snapshot, cancellationToken).ConfigureAwait(false));
        return differences;
    }

    private async Task<List<RollupDifference>> CompareHonoreesAsync(Snapshot snapshot, CancellationToken cancellationToken)
    {
        var talks = await snapshot.QueryAsync(
            "SELECT h.honoree_id, t.campaign_id, t.region_code, COUNT(*), SUM(t.audience), SUM(COALESCE(t.online_views, 0)) " +
            "FROM talk_honorees h JOIN honoree_talks t ON t.branch_id = h.branch_id AND t.talk_id = h.talk_id " +
            "WHERE NOT t.voided GROUP BY h.honoree_id, t.campaign_id, t.region_code",
            [], r => (Honoree: r.GetString(0), Campaign: r.GetString(1), Region: r.GetString(2), Values: new[] { r.Long(3), r.Long(4), r.Long(5) }),
            cancellationToken).ConfigureAwait(false);
        var expected = new Dictionary<(string, string, string), long[]>();
        foreach (var talk in talks)
        {
            var key = (talk.Honoree, talk.Campaign, regions.ProvinceOf(talk.Region) ?? RegionDirectory.National);
            if (!expected.TryGetValue(key, out var sum)) expected[key] = sum = new long[3];
            for (var i = 0; i < 3; i++) sum[i] += talk.Values[i];
        }
        var stored = (await snapshot.QueryAsync(
            "SELECT honoree_id, campaign_id, province_code, SUM(talks), SUM(audience), SUM(online_views) FROM honoree_rollups " +
            "GROUP BY honoree_id, campaign_id, province_code",
            [], r => (Key: (r.GetString(0), r.GetString(1), r.GetString(2)), Values: new[] { r.Long(3), r.Long(4), r.Long(5) }),
            cancellationToken).ConfigureAwait(false)).ToDictionary(x => x.Key, x => x.Values);
        return Compare("honoree_rollups", expected, stored, k => $"{k.Item1}/{k.Item2}/{k.Item3}");
    }

    private static List<RollupDifference> Compare<TKey>(string table, Dictionary<TKey, long[]> expected, Dictionary<TKey, long[]> stored,
        Func<TKey, string> name) where TKey : notnull
    {
        var differences = new List<RollupDifference>();
        foreach (var key in expected.Keys.Union(stored.Keys))
        {
            var want = expected.GetValueOrDefault(key);
            var have = stored.GetValueOrDefault(key);
            var width = (want ?? have)!.Length;
            want ??= new long[width];
            have ??= new long[width];
            if (!want.SequenceEqual(have)) differences.Add(new RollupDifference(table, name(key), have, want));
        }
        return differences;
    }
}
