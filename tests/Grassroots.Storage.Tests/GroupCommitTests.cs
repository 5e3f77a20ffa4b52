using Grassroots.Storage.Tests.Support;

namespace Grassroots.Storage.Tests;

public sealed class GroupCommitTests
{
    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task FiveHundredConcurrentWritesCommitInFarFewerTransactions(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);

        var receipts = await Task.WhenAll(Enumerable.Range(0, 500)
            .Select(i => store.Committer.CommitAsync(new WriteUnit([Rows.State($"burst-{i}")]))))
            .WaitAsync(TestStore.Guard);

        // The first unit may well commit alone; the other 499 queue while it does and share a few batches.
        Assert.InRange(store.Committer.CommittedBatches, 1, 500 / 5);
        Assert.Equal(store.Committer.CommittedBatches, receipts.Select(r => r.Seq).Distinct().Count());
        Assert.Equal(500, await store.CountAsync("SELECT count(*) FROM test_state WHERE grain_key LIKE 'burst-%' AND version = 1"));
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task RowCreatedAndUpdatedInOneBatchAfterAnotherRowsUpdateIsWrittenAtItsLastVersion(StorageProvider provider)
    {
        // The shape of a batch while one branch's records arrive in a burst (an import): another row's update comes first,
        // then a row's creation and its next versions. Written by table and kind, the update ran before the insert, the
        // database refused the batch, and it was written again unit by unit: correct, but a round trip per unit.
        await using var store = await TestStore.CreateAsync(provider);
        var log = new RecordingLogger();
        await using var committer = new GroupCommitter(store.Database, log);
        await committer.CommitAsync(new WriteUnit([Rows.State("earlier")])).WaitAsync(TestStore.Guard);
        var gate = new CommitGate();
        committer.AddListener(gate);
        var opener = committer.CommitAsync(new WriteUnit([Rows.Talk("gate", "honoree-1", 10)]));
        await gate.Entered.WaitAsync(TestStore.Guard);
        Task<CommitReceipt> Submit(params RowWrite[] writes) => committer.CommitAsync(new WriteUnit(writes));
        Task<CommitReceipt>[] units;
        try
        {
            units =
            [
                Submit(Rows.State("earlier", "{\"v\":2}", expectedVersion: 1)),
                Submit(Rows.State("burst", "{\"v\":1}", expectedVersion: 0)),
                Submit(Rows.State("burst", "{\"v\":2}", expectedVersion: 1)),
                Submit(Rows.State("burst", "{\"v\":3}", expectedVersion: 2)),
            ];
        }
        finally
        {
            gate.Release();
        }

        var receipts = await Task.WhenAll(units).WaitAsync(TestStore.Guard);
        await opener.WaitAsync(TestStore.Guard);
        Assert.Single(receipts.Select(r => r.Seq).Distinct());
        Assert.Empty(log.Messages);
        Assert.Equal(1, await store.CountAsync("SELECT count(*) FROM test_state WHERE grain_key = 'burst' AND version = 3 AND payload = '{\"v\":3}'"));
        Assert.Equal(1, await store.CountAsync("SELECT count(*) FROM test_state WHERE grain_key = 'earlier' AND version = 2"));
    }

    private sealed class RecordingLogger : Microsoft.Extensions.Logging.ILogger<GroupCommitter>
    {
        public List<string> Messages { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state,
            Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Messages) Messages.Add(formatter(state, exception));
        }
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task RefusedAndStaleUnitsFailAloneWhileTheirBatchMatesCommit(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.CommitAsync(Rows.Region(Rows.County, "海淀区"), Rows.State("existing", "{\"v\":1}"));
        var gate = new CommitGate();
        store.Committer.AddListener(gate);
        var opener = store.CommitAsync(Rows.Talk("gate", "honoree-1", 10));
        await gate.Entered.WaitAsync(TestStore.Guard);

        List<Task<CommitReceipt>> good = [];
        Task<CommitReceipt> Submit(params RowWrite[] writes) => store.Committer.CommitAsync(new WriteUnit(writes));
        try
        {
            for (var i = 0; i < 50; i++) good.Add(Submit(Rows.Branch($"good-{i}", Rows.County), Rows.State($"good-{i}")));
            var missingRegion = Submit(Rows.State("orphan"), Rows.Branch("orphan", "999999"));
            var missingName = Submit(Rows.Branch("nameless", Rows.County, name: null));
            var stale = Submit(Rows.State("existing", "{\"v\":2}", expectedVersion: 0));
            for (var i = 50; i < 100; i++) good.Add(Submit(Rows.Branch($"good-{i}", Rows.County), Rows.State($"good-{i}")));
            gate.Release();

            await Assert.ThrowsAsync<WriteRejectedException>(() => missingRegion.WaitAsync(TestStore.Guard));
            await Assert.ThrowsAsync<WriteRejectedException>(() => missingName.WaitAsync(TestStore.Guard));
            await Assert.ThrowsAsync<VersionConflictException>(() => stale.WaitAsync(TestStore.Guard));
        }
        finally
        {
            gate.Release();
        }

        var receipts = await Task.WhenAll(good).WaitAsync(TestStore.Guard);
        await opener;
        // Units are batched in arrival order, so one sequence number on both sides of the bad units means they shared the batch.
        Assert.Single(receipts.Select(r => r.Seq).Distinct());
        Assert.Equal(100, await store.CountAsync("SELECT count(*) FROM branches WHERE branch_id LIKE 'good-%' AND version = 1"));
        Assert.Equal(100, await store.CountAsync("SELECT count(*) FROM test_state WHERE grain_key LIKE 'good-%' AND version = 1"));
        Assert.Equal(0, await store.CountAsync("SELECT count(*) FROM branches WHERE branch_id IN ('orphan', 'nameless')"));
        Assert.Equal(0, await store.CountAsync("SELECT count(*) FROM test_state WHERE grain_key = 'orphan'"));
        Assert.Equal(1, await store.CountAsync("SELECT count(*) FROM test_state WHERE grain_key = 'existing' AND version = 1 AND payload = '{\"v\":1}'"));
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task UnitWithOneStalePutStoresNoneOfItsWrites(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.CommitAsync(Rows.State("a"), Rows.State("b"));

        await Assert.ThrowsAsync<VersionConflictException>(() =>
            store.CommitAsync(Rows.State("a", "{\"n\":2}", expectedVersion: 1), Rows.State("b", "{\"n\":2}", expectedVersion: 7), Rows.State("c")));

        Assert.Equal(0, await store.CountAsync("SELECT count(*) FROM test_state WHERE version <> 1 OR payload <> '{}'"));
        Assert.Equal(0, await store.CountAsync("SELECT count(*) FROM test_state WHERE grain_key = 'c'"));
        await store.CommitAsync(Rows.State("a", "{\"n\":2}", expectedVersion: 1), Rows.State("b", "{\"n\":2}", expectedVersion: 1));
        Assert.Equal(2, await store.CountAsync("SELECT count(*) FROM test_state WHERE version = 2"));
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task ConcurrentCreatesOfOneRowLetExactlyOneWin(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);

        var attempts = Enumerable.Range(0, 20).Select(i => store.CommitAsync(Rows.State("contested", $"{{\"by\":{i}}}"))).ToList();
        var outcomes = await Task.WhenAll(attempts.Select(async a =>
        {
            try
            {
                await a;
                return true;
            }
            catch (VersionConflictException)
            {
                return false;
            }
        }));

        Assert.Single(outcomes, won => won);
        Assert.Equal(1, await store.CountAsync("SELECT count(*) FROM test_state WHERE grain_key = 'contested' AND version = 1"));
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task TwoUpdatesFromOneVersionInOneBatchLetExactlyOneWin(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.CommitAsync(Rows.State("shared", "{\"v\":1}"));
        var gate = new CommitGate();
        store.Committer.AddListener(gate);
        var opener = store.CommitAsync(Rows.Talk("gate", "honoree-1", 10));
        await gate.Entered.WaitAsync(TestStore.Guard);

        Task<CommitReceipt> first, second;
        try
        {
            // Both expect version 1: in one statement the later would silently overwrite the earlier.
            first = store.Committer.CommitAsync(new WriteUnit([Rows.State("shared", "{\"by\":1}", expectedVersion: 1)]));
            second = store.Committer.CommitAsync(new WriteUnit([Rows.State("shared", "{\"by\":2}", expectedVersion: 1)]));
        }
        finally
        {
            gate.Release();
        }
        await opener;

        await first.WaitAsync(TestStore.Guard);
        await Assert.ThrowsAsync<VersionConflictException>(() => second.WaitAsync(TestStore.Guard));
        Assert.Equal(1, await store.CountAsync("SELECT count(*) FROM test_state WHERE grain_key = 'shared' AND version = 2 AND payload = '{\"by\":1}'"));
    }

    [PostgresFact]
    public async Task ValueOfTheWrongTypeFailsOnlyItsOwnUnitOnPostgres()
    {
        // A string bound to a timestamptz column is SQLSTATE 42804 on PostgreSQL (SQLite stores it as text).
        await using var store = await TestStore.CreateAsync(StorageProvider.Postgres);
        await store.CommitAsync(Rows.Region(Rows.County, "海淀区"));
        var gate = new CommitGate();
        store.Committer.AddListener(gate);
        var opener = store.CommitAsync(Rows.Talk("gate", "honoree-1", 10));
        await gate.Entered.WaitAsync(TestStore.Guard);

        Task<CommitReceipt> good, bad;
        try
        {
            good = store.Committer.CommitAsync(new WriteUnit([Rows.Branch("typed-well", Rows.County)]));
            bad = store.Committer.CommitAsync(new WriteUnit([new VersionedPut(Rows.Branches, ["typed-badly"],
                ["Branch", Rows.County, null, 10, null, "not a time", "not a time"], 0)]));
        }
        finally
        {
            gate.Release();
        }
        await opener;

        await good.WaitAsync(TestStore.Guard);
        await Assert.ThrowsAsync<WriteRejectedException>(() => bad.WaitAsync(TestStore.Guard));
        Assert.Equal(1, await store.CountAsync("SELECT count(*) FROM branches WHERE branch_id = 'typed-well'"));
        Assert.Equal(0, await store.CountAsync("SELECT count(*) FROM branches WHERE branch_id = 'typed-badly'"));
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task UnitLargerThanOneStatementIsCheckedAndWrittenWhole(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var keys = Enumerable.Range(0, 1_500).Select(i => $"bulk-{i}").ToList();
        await store.CommitAsync([.. keys.Select(k => Rows.State(k))]);

        await store.CommitAsync([.. keys.Select(k => Rows.State(k, "{\"n\":2}", expectedVersion: 1))]);
        await Assert.ThrowsAsync<VersionConflictException>(() =>
            store.CommitAsync([.. keys.Select((k, i) => Rows.State(k, "{\"n\":3}", expectedVersion: i == 1_400 ? 1 : 2))]));

        Assert.Equal(1_500, await store.CountAsync("SELECT count(*) FROM test_state WHERE version = 2 AND payload = '{\"n\":2}'"));
    }
}
