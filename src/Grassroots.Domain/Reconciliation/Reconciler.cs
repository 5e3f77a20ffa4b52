using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Records;
using Grassroots.Domain.Regions;
using Grassroots.Storage;

namespace Grassroots.Domain.Reconciliation;

/// <summary>One rollup row whose stored sum over shards differs from a recount of the facts.</summary>
public sealed record RollupDifference(string Table, string Key, long[] Stored, long[] Recounted)
{
    public override string ToString() =>
        $"{Table} {Key}: stored [{string.Join(", ", Stored)}] recounted [{string.Join(", ", Recounted)}]";
}

/// <summary>
/// Recounts every kind of rollup row from the fact tables and compares each kind on its own — county figures per
/// campaign and day (active branches from each branch's earliest non-voided record), registered branches per county,
/// honoree figures per campaign and province, and each branch's earliest record as kept for later writes. The answer
/// must always be no difference.
/// </summary>
public sealed class Reconciler(Database database, RegionDirectory regions)
{
    /// <summary>Compares within one snapshot of the database, so writes committed meanwhile never show as differences.</summary>
    public Task<IReadOnlyList<RollupDifference>> CompareAsync(CancellationToken cancellationToken = default) =>
        database.InSnapshotAsync(snapshot => CompareAsync(snapshot, cancellationToken), cancellationToken);

    private static readonly string CountedRecords = string.Join(" UNION ALL ", RecordKinds.All.Select(k =>
        $"SELECT region_code, campaign_id, {k.DateColumn} AS day, {string.Join(", ", k.FigureColumns.Select((f, i) => $"{f} AS f{i}"))} " +
        $"FROM {k.Table.Name} WHERE NOT voided"));

    private static readonly string Placements = string.Join(" UNION ALL ", RecordKinds.All.Select(k =>
        $"SELECT branch_id, campaign_id, {k.DateColumn} AS day, region_code FROM {k.Table.Name} WHERE NOT voided"));

    /// <summary>Each branch's earliest non-voided record per campaign, the county breaking a tie (as the committer does).</summary>
    private static readonly string Earliest =
        $"WITH r AS ({Placements}), f AS (SELECT branch_id, campaign_id, MIN(day) AS day FROM r GROUP BY branch_id, campaign_id) " +
        "SELECT f.branch_id, f.campaign_id, f.day, MIN(r.region_code) AS region_code FROM f " +
        "JOIN r ON r.branch_id = f.branch_id AND r.campaign_id = f.campaign_id AND r.day = f.day GROUP BY f.branch_id, f.campaign_id, f.day";

    private async Task<IReadOnlyList<RollupDifference>> CompareAsync(Snapshot snapshot, CancellationToken cancellationToken)
    {
        var counted = RecordKinds.All[0].FigureColumns.Count;
        var expected = new Dictionary<(string County, string Campaign, DateOnly Day), Figures>();
        foreach (var row in await snapshot.QueryAsync(
            $"SELECT region_code, campaign_id, day, {string.Join(", ", Enumerable.Range(0, counted).Select(i => $"SUM(f{i})"))} " +
            $"FROM ({CountedRecords}) r GROUP BY region_code, campaign_id, day",
            [], r => (Key: (r.GetString(0), r.GetString(1), r.Date(2)), Figures: Figures.FromColumns([.. Enumerable.Range(3, counted).Select(r.Long), 0])),
            cancellationToken).ConfigureAwait(false))
            expected[row.Key] = row.Figures;
        foreach (var (key, count) in await snapshot.QueryAsync(
            $"SELECT region_code, campaign_id, day, COUNT(*) FROM ({Earliest}) e GROUP BY region_code, campaign_id, day",
            [], r => ((r.GetString(0), r.GetString(1), r.Date(2)), r.Long(3)), cancellationToken).ConfigureAwait(false))
            expected[key] = expected.GetValueOrDefault(key) with { ActiveBranches = count };
        var storedDays = (await snapshot.QueryAsync(
            $"SELECT county_code, campaign_id, day, {string.Join(", ", Figures.Columns.Select(c => $"SUM({c})"))} FROM {Tables.CountyDays.Name} " +
            "GROUP BY county_code, campaign_id, day",
            [], r => (Key: (r.GetString(0), r.GetString(1), r.Date(2)), Figures: Figures.FromColumns([.. Enumerable.Range(3, Figures.Columns.Length).Select(r.Long)])),
            cancellationToken).ConfigureAwait(false)).ToDictionary(x => x.Key, x => x.Figures);
        var differences = Compare(Tables.CountyDays.Name, expected.ToDictionary(e => e.Key, e => e.Value.ToColumns()),
            storedDays.ToDictionary(e => e.Key, e => e.Value.ToColumns()), k => $"{k.Item1}/{k.Item2}/{k.Item3:yyyy-MM-dd}");

        var registered = (await snapshot.QueryAsync("SELECT region_code, COUNT(*) FROM branches GROUP BY region_code", [],
            r => (r.GetString(0), new[] { r.Long(1) }), cancellationToken).ConfigureAwait(false)).ToDictionary();
        var storedRegistered = (await snapshot.QueryAsync(
            $"SELECT county_code, SUM(registered) FROM {Tables.CountyBranches.Name} GROUP BY county_code", [],
            r => (r.GetString(0), new[] { r.Long(1) }), cancellationToken).ConfigureAwait(false)).ToDictionary();
        differences.AddRange(Compare(Tables.CountyBranches.Name, registered, storedRegistered, k => k));

        differences.AddRange(await CompareHonoreesAsync(snapshot, cancellationToken).ConfigureAwait(false));
        differences.AddRange(await CompareActivityAsync(snapshot, cancellationToken).ConfigureAwait(false));
        return differences;
    }

    private async Task<List<RollupDifference>> CompareHonoreesAsync(Snapshot snapshot, CancellationToken cancellationToken)
    {
        var talks = await snapshot.QueryAsync(
            "SELECT h.honoree_id, t.campaign_id, t.region_code, COUNT(*), SUM(t.audience), SUM(COALESCE(t.online_views, 0)) " +
            "FROM talk_honorees h JOIN honoree_talks t ON t.branch_id = h.branch_id AND t.talk_id = h.talk_id " +
            "WHERE NOT t.voided GROUP BY h.honoree_id, t.campaign_id, t.region_code",
            [], r => (Honoree: r.GetString(0), Campaign: r.GetString(1), Region: r.GetString(2), Figures: new TalkFigures(r.Long(3), r.Long(4), r.Long(5))),
            cancellationToken).ConfigureAwait(false);
        var expected = new Dictionary<(string, string, string), long[]>();
        foreach (var talk in talks)
        {
            var key = (talk.Honoree, talk.Campaign, regions.ProvinceOf(talk.Region) ?? RegionDirectory.National);
            expected[key] = (TalkFigures.FromColumns(expected.GetValueOrDefault(key) ?? new long[3]) + talk.Figures).ToColumns();
        }
        var stored = (await snapshot.QueryAsync(
            "SELECT honoree_id, campaign_id, province_code, SUM(talks), SUM(audience), SUM(online_views) FROM honoree_rollups " +
            "GROUP BY honoree_id, campaign_id, province_code",
            [], r => (Key: (r.GetString(0), r.GetString(1), r.GetString(2)), Values: new[] { r.Long(3), r.Long(4), r.Long(5) }),
            cancellationToken).ConfigureAwait(false)).ToDictionary(x => x.Key, x => x.Values);
        return Compare(Tables.HonoreeRollups.Name, expected, stored, k => $"{k.Item1}/{k.Item2}/{k.Item3}");
    }

    /// <summary>Each branch's earliest record as kept in branch_activity, as [day number, county] against the recount.</summary>
    private static async Task<List<RollupDifference>> CompareActivityAsync(Snapshot snapshot, CancellationToken cancellationToken)
    {
        static long[] Of(DateOnly day, string county) => [day.DayNumber, long.TryParse(county, out var code) ? code : -1];
        var expected = (await snapshot.QueryAsync(Earliest, [], r => (Key: (r.GetString(0), r.GetString(1)), Value: Of(r.Date(2), r.GetString(3))),
            cancellationToken).ConfigureAwait(false)).ToDictionary(x => x.Key, x => x.Value);
        var stored = (await snapshot.QueryAsync(
            $"SELECT branch_id, campaign_id, first_on, region_code FROM {ActivityRules.Activity.Name} WHERE first_on IS NOT NULL", [],
            r => (Key: (r.GetString(0), r.GetString(1)), Value: Of(r.Date(2), r.GetString(3))), cancellationToken).ConfigureAwait(false))
            .ToDictionary(x => x.Key, x => x.Value);
        return Compare(ActivityRules.Activity.Name, expected, stored, k => $"{k.Item1}/{k.Item2}");
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
