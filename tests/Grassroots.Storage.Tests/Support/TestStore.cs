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
        Committer = NewCommitter(database, Stage);
    }

    public TestDatabase Test { get; }
    public Database Database { get; }
    public GroupCommitter Committer { get; private set; }

    /// <summary>The committer's one stage, which keeps the running totals of <see cref="Tally"/> writes.</summary>
    public TallyStage Stage { get; } = new();

    public static GroupCommitter NewCommitter(Database database, TallyStage stage) =>
        new(database, NullLogger<GroupCommitter>.Instance, stages: [stage]);

    public static async Task<TestStore> CreateAsync(StorageProvider provider, Action<StorageOptions>? configure = null)
    {
        var test = await TestDatabase.CreateAsync(provider);
        configure?.Invoke(test.Options);
        var database = Database.Create(test.Options);
        await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();
        await database.ExecuteAsync(Rows.TestStateTable, []);
        await database.ExecuteAsync(Rows.TestTallyTable, []);
        return new TestStore(test, database);
    }

    /// <summary>Stops the committer and starts a new one on the same database, as a restarted silo would.</summary>
    public async Task RestartCommitterAsync()
    {
        await Committer.DisposeAsync();
        Committer = NewCommitter(Database, Stage);
    }

    public Task<CommittedBatch> CommitAsync(params RowWrite[] writes) => Committer.CommitAsync(new WriteUnit(writes)).WaitAsync(Guard);

    public async Task<long> CountAsync(string sql, params object?[] args) =>
        (await Database.QueryAsync(sql, args, r => Convert.ToInt64(r.GetValue(0)))).Single();

    /// <summary>The running total <paramref name="name"/> as stored, 0 when it has none.</summary>
    public async Task<long> TotalAsync(string name) =>
        (await Database.QueryAsync("SELECT total FROM test_tally WHERE name = $1", [name], r => r.GetInt64(0))).SingleOrDefault();

    public async ValueTask DisposeAsync()
    {
        await Committer.DisposeAsync();
        await Database.DisposeAsync();
        await Test.DisposeAsync();
    }
}
