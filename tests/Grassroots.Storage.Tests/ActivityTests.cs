using Grassroots.Storage.Tests.Support;

namespace Grassroots.Storage.Tests;

/// <summary>
/// A branch counts as active from the day of its earliest non-voided record (docs/architecture.md, "Rollups"): the committer keeps that day
/// per branch and campaign and moves the active-branch count with it, exactly, however many writers change the branch's
/// records at once.
/// </summary>
public sealed class ActivityTests
{
    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task TheActiveBranchMovesWithItsEarliestRecord(StorageProvider provider)
    {
        await using var store = await ReadyAsync(provider, "b1");

        await store.CommitAsync(Rows.Session("b1", "s5", day: 5));
        Assert.Equal(new Dictionary<int, long> { [5] = 1 }, await store.ActiveByDayAsync());
        await store.CommitAsync(Rows.Session("b1", "s3", day: 3));
        Assert.Equal(new Dictionary<int, long> { [3] = 1 }, await store.ActiveByDayAsync());
        await store.CommitAsync(Rows.Session("b1", "s4", day: 4));
        Assert.Equal(new Dictionary<int, long> { [3] = 1 }, await store.ActiveByDayAsync());

        // Voiding the earliest record counts the branch again from its records: now from the 4th.
        await store.CommitAsync(Rows.Void("b1", "s3", day: 3));
        Assert.Equal(new Dictionary<int, long> { [4] = 1 }, await store.ActiveByDayAsync());
        await store.CommitAsync(Rows.Void("b1", "s4", day: 4));
        Assert.Equal(new Dictionary<int, long> { [5] = 1 }, await store.ActiveByDayAsync());
        await store.CommitAsync(Rows.Void("b1", "s5", day: 5));
        Assert.Empty(await store.ActiveByDayAsync());
        Assert.Equal(0, await store.CountAsync("SELECT count(*) FROM branch_activity WHERE first_on IS NOT NULL"));
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task RecordsOfOneBatchMoveTheBranchOnceToTheirEarliest(StorageProvider provider)
    {
        await using var store = await ReadyAsync(provider, "b1");

        var outcome = await store.Committer.CommitAllAsync([
            new WriteUnit(Rows.Session("b1", "s9", day: 9)), new WriteUnit(Rows.Session("b1", "s2", day: 2)),
            new WriteUnit(Rows.Session("b1", "s2-other", day: 2, county: Rows.OtherCounty)), new WriteUnit(Rows.Session("b1", "s6", day: 6))])
            .WaitAsync(TestStore.Guard);

        Assert.All(outcome.Errors, Assert.Null);
        // On the earliest day the lower county code wins the tie, as the reconciler counts it.
        Assert.Equal(new Dictionary<int, long> { [2] = 1 }, await store.ActiveByDayAsync(Rows.OtherCounty));
        Assert.Empty(await store.ActiveByDayAsync(Rows.County));
        var active = Assert.Single(outcome.Batch!.Increments, i => i.Deltas[^1] != 0);
        Assert.Equal(Rows.OtherCounty, active.Key[0]);
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task WritersOnTwoShardsChangingOneBranchAtOnceLeaveItActiveOnceFromItsEarliestRecord(StorageProvider provider)
    {
        string[] branches = ["b1", "b2", "b3"];
        await using var store = await ReadyAsync(provider, branches);
        await using var other = Database.Create(store.Test.OptionsFor("silo-b"));
        await using var second = TestStore.NewCommitter(other);
        GroupCommitter[] writers = [store.Committer, second];

        // Each writer creates and voids its own records of the same three branches, on days spread over the month, all at
        // once: the records are its own (as a record has one grain), the branches' activity is shared.
        var random = new Random(20201124);
        var plan = Enumerable.Range(0, 240).Select(i => (Writer: i % 2, Branch: branches[random.Next(3)], Id: $"r{i}", Day: random.Next(1, 29),
            County: random.Next(2) == 0 ? Rows.County : Rows.OtherCounty, Voided: random.Next(3) == 0)).ToList();
        await Task.WhenAll(plan.Select(async r =>
        {
            await writers[r.Writer].CommitAsync(new WriteUnit(Rows.Session(r.Branch, r.Id, r.Day, county: r.County)));
            if (r.Voided) await writers[r.Writer].CommitAsync(new WriteUnit(Rows.Void(r.Branch, r.Id, r.Day, county: r.County)));
        })).WaitAsync(TestStore.Guard);

        foreach (var branch in branches)
        {
            var live = plan.Where(r => r.Branch == branch && !r.Voided).OrderBy(r => r.Day).ThenBy(r => r.County, StringComparer.Ordinal).ToList();
            Assert.NotEmpty(live);
            var stored = (await store.Database.QueryAsync("SELECT first_on, region_code FROM branch_activity WHERE branch_id = $1", [branch],
                r => (Day: r.Date(0).Day, County: r.GetString(1)))).Single();
            Assert.Equal((live[0].Day, live[0].County), stored);
        }
        var everyDay = (await store.ActiveByDayAsync(Rows.County)).Values.Sum() + (await store.ActiveByDayAsync(Rows.OtherCounty)).Values.Sum();
        Assert.Equal(branches.Length, everyDay);
    }

    private static async Task<TestStore> ReadyAsync(StorageProvider provider, params string[] branches)
    {
        var store = await TestStore.CreateAsync(provider);
        await store.CommitAsync(Rows.Reference());
        foreach (var branch in branches) await store.CommitAsync(Rows.Branch(branch, Rows.County));
        return store;
    }
}
