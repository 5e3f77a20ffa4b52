using Grassroots.Domain.Records;
using Grassroots.Domain.Regions;
using Grassroots.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grassroots.Domain.Tests;

/// <summary>
/// A branch counts as active from the day of its earliest non-voided record (docs/architecture.md, "Rollups"): the
/// committer's stage <see cref="BranchActivityStore"/> keeps that day per branch and campaign and moves the active-branch
/// count with it, exactly, however many writers change the branch's records at once. The records are written as the
/// record grains write them (<see cref="RecordWrites"/>).
/// </summary>
public sealed class BranchActivityTests
{
    private const string County = "110108", OtherCounty = "110105", Campaign = "campaign-1";

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task TheActiveBranchMovesWithItsEarliestRecord(StorageProvider provider)
    {
        await using var store = await Store.CreateAsync(provider, "b1");

        await store.CommitAsync(Session("b1", "s5", day: 5));
        Assert.Equal(new Dictionary<int, long> { [5] = 1 }, await store.ActiveByDayAsync());
        await store.CommitAsync(Session("b1", "s3", day: 3));
        Assert.Equal(new Dictionary<int, long> { [3] = 1 }, await store.ActiveByDayAsync());
        await store.CommitAsync(Session("b1", "s4", day: 4));
        Assert.Equal(new Dictionary<int, long> { [3] = 1 }, await store.ActiveByDayAsync());

        // Voiding the earliest record counts the branch again from its records: now from the 4th.
        await store.CommitAsync(Void("b1", "s3", day: 3));
        Assert.Equal(new Dictionary<int, long> { [4] = 1 }, await store.ActiveByDayAsync());
        await store.CommitAsync(Void("b1", "s4", day: 4));
        Assert.Equal(new Dictionary<int, long> { [5] = 1 }, await store.ActiveByDayAsync());
        await store.CommitAsync(Void("b1", "s5", day: 5));
        Assert.Empty(await store.ActiveByDayAsync());
        Assert.Equal(0, await store.CountAsync("SELECT count(*) FROM branch_activity WHERE first_on IS NOT NULL"));
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task RecordsOfOneBatchMoveTheBranchOnceToTheirEarliest(StorageProvider provider)
    {
        await using var store = await Store.CreateAsync(provider, "b1");

        var outcome = await store.Committer.CommitAllAsync([
            Session("b1", "s9", day: 9), Session("b1", "s2", day: 2),
            Session("b1", "s2-other", day: 2, county: OtherCounty), Session("b1", "s6", day: 6)])
            .WaitAsync(Store.Guard);

        Assert.All(outcome.Errors, Assert.Null);
        // On the earliest day the lower county code wins the tie, as the reconciler counts it.
        Assert.Equal(new Dictionary<int, long> { [2] = 1 }, await store.ActiveByDayAsync(OtherCounty));
        Assert.Empty(await store.ActiveByDayAsync(County));
        var active = Assert.Single(outcome.Batch!.Increments, i => i.Deltas[Array.IndexOf(Model.Figures.Columns, Model.Figures.ActiveColumn)] != 0);
        Assert.Equal(OtherCounty, active.Key[0]);
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task WritersOnTwoShardsChangingOneBranchAtOnceLeaveItActiveOnceFromItsEarliestRecord(StorageProvider provider)
    {
        string[] branches = ["b1", "b2", "b3"];
        await using var store = await Store.CreateAsync(provider, branches);
        await using var other = Database.Create(store.Test.OptionsFor("silo-b"));
        await using var second = Store.NewCommitter(other);
        GroupCommitter[] writers = [store.Committer, second];

        // Each writer creates and voids its own records of the same three branches, both at once: the records are its own
        // (as a record has one grain), the branches' activity is shared. First records spread over the second half of the
        // month, all at once (big batches); then day by day down the first half, both writers give every branch an earlier
        // record at the same moment, so that each of their batches moves the same branches' earliest (voids move it back).
        var random = new Random(20201124);
        var spread = Enumerable.Range(0, 240).Select(i => (Writer: i % 2, Branch: branches[random.Next(3)], Id: $"r{i}", Day: random.Next(15, 29),
            County: random.Next(2) == 0 ? County : OtherCounty, Voided: random.Next(3) == 0)).ToList();
        var earlier = Enumerable.Range(1, 14).Reverse().SelectMany(day => branches.SelectMany(branch => writers.Select((_, w) =>
            (Writer: w, Branch: branch, Id: $"d{day}-{branch}-{w}", Day: day, County: w == 0 ? County : OtherCounty, Voided: random.Next(3) == 0)))).ToList();
        async Task WriteAsync((int Writer, string Branch, string Id, int Day, string County, bool Voided) r)
        {
            await writers[r.Writer].CommitAsync(Session(r.Branch, r.Id, r.Day, county: r.County));
            if (r.Voided) await writers[r.Writer].CommitAsync(Void(r.Branch, r.Id, r.Day, county: r.County));
        }
        await Task.WhenAll(spread.Select(WriteAsync)).WaitAsync(Store.Guard);
        foreach (var day in earlier.GroupBy(r => r.Day)) await Task.WhenAll(day.Select(WriteAsync)).WaitAsync(Store.Guard);
        var plan = spread.Concat(earlier).ToList();

        foreach (var branch in branches)
        {
            var live = plan.Where(r => r.Branch == branch && !r.Voided).OrderBy(r => r.Day).ThenBy(r => r.County, StringComparer.Ordinal).ToList();
            Assert.NotEmpty(live);
            var stored = (await store.Database.QueryAsync("SELECT first_on, region_code FROM branch_activity WHERE branch_id = $1", [branch],
                r => (Day: r.Date(0).Day, County: r.GetString(1)))).Single();
            Assert.Equal((live[0].Day, live[0].County), stored);
        }
        var everyDay = (await store.ActiveByDayAsync(County)).Values.Sum() + (await store.ActiveByDayAsync(OtherCounty)).Values.Sum();
        Assert.Equal(branches.Length, everyDay);
    }

    private static readonly DateTimeOffset At = new(2020, 12, 1, 8, 0, 0, TimeSpan.Zero);

    private static LoggedRecord Created(string branchId, string id, int day, string county) =>
        new(branchId, id, county, new StudySession(Campaign, "学习", new DateOnly(2020, 12, day), "offline", null, new Attendance(10, null, null, null), null, null),
            Voided: false, VoidReason: null, Version: 1, At, At, "key:test");

    /// <summary>What creating a study session on <paramref name="day"/> of December 2020 writes.</summary>
    private static WriteUnit Session(string branchId, string id, int day, string county = County) =>
        new(RecordWrites.Of(RecordKinds.StudySessions, null, Created(branchId, id, day, county), "key:test", "create", new RegionDirectory()));

    /// <summary>What voiding a session written by <see cref="Session"/> writes.</summary>
    private static WriteUnit Void(string branchId, string id, int day, string county = County)
    {
        var before = Created(branchId, id, day, county);
        return new(RecordWrites.Of(RecordKinds.StudySessions, before, before with { Voided = true, VoidReason = "wrong", Version = 2 },
            "key:test", "void", new RegionDirectory()));
    }

    /// <summary>A fresh, migrated database with the regions, campaign and branches the records need, and a committer with the domain's stage.</summary>
    private sealed class Store : IAsyncDisposable
    {
        public static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

        private Store(TestDatabase test, Database database) => (Test, Database, Committer) = (test, database, NewCommitter(database));

        public TestDatabase Test { get; }
        public Database Database { get; }
        public GroupCommitter Committer { get; }

        public static GroupCommitter NewCommitter(Database database) =>
            new(database, NullLogger<GroupCommitter>.Instance, stages: [new BranchActivityStore()]);

        public static async Task<Store> CreateAsync(StorageProvider provider, params string[] branches)
        {
            var test = await TestDatabase.CreateAsync(provider);
            var database = Database.Create(test.Options);
            await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();
            await database.ExecuteAsync("INSERT INTO regions (code, name, level, parent_code) VALUES ('110000', '北京市', 'province', NULL), " +
                                        $"('{County}', '海淀区', 'county', '110000'), ('{OtherCounty}', '朝阳区', 'county', '110000')", []);
            await database.ExecuteAsync("INSERT INTO campaigns (campaign_id, title, starts_on, ends_on, description, created_at, updated_at, version) " +
                                        "VALUES ($1, '学习', $2, NULL, NULL, $3, $3, 1)", [Campaign, new DateOnly(2020, 11, 24), At]);
            foreach (var branch in branches)
                await database.ExecuteAsync("INSERT INTO branches (branch_id, name, region_code, sector, member_count, created_at, updated_at, created_by, version) " +
                                            "VALUES ($1, 'Branch', $2, 'manufacturing', 120, $3, $3, 'key:test', 1)", [branch, County, At]);
            return new Store(test, database);
        }

        public Task<CommittedBatch> CommitAsync(WriteUnit unit) => Committer.CommitAsync(unit).WaitAsync(Guard);

        public async Task<long> CountAsync(string sql) => (await Database.QueryAsync(sql, [], r => Convert.ToInt64(r.GetValue(0)))).Single();

        /// <summary>Active branches counted per day of December 2020 in <paramref name="county"/>, summed over shards (days with 0 left out).</summary>
        public async Task<Dictionary<int, long>> ActiveByDayAsync(string county = County) =>
            (await Database.QueryAsync(
                "SELECT day, SUM(active_branches) FROM county_days WHERE county_code = $1 GROUP BY day", [county],
                r => (Day: r.Date(0).Day, Active: r.Long(1)))).Where(x => x.Active != 0).ToDictionary(x => x.Day, x => x.Active);

        public async ValueTask DisposeAsync()
        {
            await Committer.DisposeAsync();
            await Database.DisposeAsync();
            await Test.DisposeAsync();
        }
    }
}
