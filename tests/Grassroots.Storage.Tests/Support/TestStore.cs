using Microsoft.Extensions.Logging.Abstractions;

namespace Grassroots.Storage.Tests.Support;

/// <summary>A fresh, migrated database with one <see cref="Database"/> and one <see cref="GroupCommitter"/> on it.</summary>
public sealed class TestStore : IAsyncDisposable
{
    /// <summary>How long a test waits for something that should happen before it fails instead of hanging.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(60);

    private TestStore(TestDatabase test, Database database)
    {
        Test = test;
        Database = database;
        Committer = NewCommitter(database);
    }

    public TestDatabase Test { get; }
    public Database Database { get; }
    public GroupCommitter Committer { get; private set; }

    public static GroupCommitter NewCommitter(Database database) =>
        new(database, NullLogger<GroupCommitter>.Instance, activity: Rows.Activity);

    public static async Task<TestStore> CreateAsync(StorageProvider provider, Action<StorageOptions>? configure = null)
    {
        var test = await TestDatabase.CreateAsync(provider);
        configure?.Invoke(test.Options);
        var database = Database.Create(test.Options);
        await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();
        await database.ExecuteAsync(Rows.TestStateTable, []);
        return new TestStore(test, database);
    }

    /// <summary>Stops the committer and starts a new one on the same database, as a restarted silo would.</summary>
    public async Task RestartCommitterAsync()
    {
        await Committer.DisposeAsync();
        Committer = NewCommitter(Database);
    }

    public Task<CommittedBatch> CommitAsync(params RowWrite[] writes) => Committer.CommitAsync(new WriteUnit(writes)).WaitAsync(Guard);

    public async Task<long> CountAsync(string sql, params object?[] args) =>
        (await Database.QueryAsync(sql, args, r => Convert.ToInt64(r.GetValue(0)))).Single();

    /// <summary>Active branches counted per day of December 2020 in <paramref name="county"/>, summed over shards (days with 0 left out).</summary>
    public async Task<Dictionary<int, long>> ActiveByDayAsync(string county = Rows.County) =>
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
