using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Regions;

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
public sealed class Reconciler(RecountStore store, RegionDirectory regions)
{
    /// <summary>Compares within one snapshot of the database, so writes committed meanwhile never show as differences.</summary>
    public Task<IReadOnlyList<RollupDifference>> CompareAsync(CancellationToken cancellationToken = default) =>
        store.InSnapshotAsync(recount => CompareAsync(recount), cancellationToken);

    private async Task<IReadOnlyList<RollupDifference>> CompareAsync(RecountStore.Snapshot recount)
    {
        var expected = new Dictionary<(string County, string Campaign, DateOnly Day), Figures>();
        foreach (var row in await recount.RecordFiguresAsync().ConfigureAwait(false))
            expected[row.Key] = row.Figures;
        foreach (var (key, count) in await recount.FirstRecordsAsync().ConfigureAwait(false))
            expected[key] = expected.GetValueOrDefault(key) with { ActiveBranches = count };
        var storedDays = await recount.StoredCountyDaysAsync().ConfigureAwait(false);
        var differences = Compare(Tables.CountyDays.Name, expected.ToDictionary(e => e.Key, e => e.Value.ToColumns()),
            storedDays.ToDictionary(e => e.Key, e => e.Value.ToColumns()), k => $"{k.Item1}/{k.Item2}/{k.Item3:yyyy-MM-dd}");

        var registered = await recount.RegisteredAsync().ConfigureAwait(false);
        var storedRegistered = await recount.StoredRegisteredAsync().ConfigureAwait(false);
        differences.AddRange(Compare(Tables.CountyBranches.Name, registered, storedRegistered, k => k));

        differences.AddRange(await CompareHonoreesAsync(recount).ConfigureAwait(false));
        differences.AddRange(await CompareActivityAsync(recount).ConfigureAwait(false));
        return differences;
    }

    private async Task<List<RollupDifference>> CompareHonoreesAsync(RecountStore.Snapshot recount)
    {
        var talks = await recount.HonoreeTalksAsync().ConfigureAwait(false);
        var expected = new Dictionary<(string, string, string), long[]>();
        foreach (var talk in talks)
        {
            var key = (talk.Honoree, talk.Campaign, regions.ProvinceOf(talk.Region) ?? RegionDirectory.National);
            expected[key] = (TalkFigures.FromColumns(expected.GetValueOrDefault(key) ?? new long[3]) + talk.Figures).ToColumns();
        }
        var stored = await recount.StoredHonoreeFiguresAsync().ConfigureAwait(false);
        return Compare(Tables.HonoreeRollups.Name, expected, stored, k => $"{k.Item1}/{k.Item2}/{k.Item3}");
    }

    /// <summary>Each branch's earliest record as kept in branch_activity, as [day number, county] against the recount.</summary>
    private static async Task<List<RollupDifference>> CompareActivityAsync(RecountStore.Snapshot recount)
    {
        static long[] Of((DateOnly Day, string County) first) => [first.Day.DayNumber, long.TryParse(first.County, out var code) ? code : -1];
        var expected = (await recount.EarliestRecordsAsync().ConfigureAwait(false)).ToDictionary(x => x.Key, x => Of(x.Value));
        var stored = (await recount.StoredEarliestRecordsAsync().ConfigureAwait(false)).ToDictionary(x => x.Key, x => Of(x.Value));
        return Compare(RecountStore.ActivityTable, expected, stored, k => $"{k.Item1}/{k.Item2}");
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
