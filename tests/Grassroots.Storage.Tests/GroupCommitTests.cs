using Grassroots.Storage.Tests.Support;

namespace Grassroots.Storage.Tests;

public sealed class GroupCommitTests
{
    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task FiveHundredConcurrentWritesCommitInFarFewerTransactions(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);

        var batches = await Task.WhenAll(Enumerable.Range(0, 500)
            .Select(i => store.Committer.CommitAsync(new WriteUnit([Rows.State($"burst-{i}")]))))
            .WaitAsync(TestStore.Guard);

        // The first units may well commit alone; the others queue while they do and share a few batches.
        Assert.InRange(store.Committer.CommittedBatches, 1, 500 / 5);
        Assert.Equal(store.Committer.CommittedBatches, batches.Select(b => (b.Shard, b.Seq)).Distinct().Count());
        Assert.Equal(500, await store.CountAsync("SELECT count(*) FROM test_state WHERE grain_key LIKE 'burst-%' AND version = 1"));
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task WritesOfOneRowQueuedTogetherAreWrittenInTurn(StorageProvider provider)
    {
        // A record created and corrected twice while a batch is being written: in one statement the later versions could
        // not be told from stale writes, so each waits for the next batch, in the order they came.
        await using var store = await TestStore.CreateAsync(provider, o => o.Writers = 1);
        await using var gate = await DatabaseGate.CloseAsync(store.Database);
        var opener = store.Committer.CommitAsync(new WriteUnit([Rows.State("earlier")]));
        await DatabaseGate.WaitUntilWritingAsync(store.Committer, TestStore.Guard);
        Task<CommittedBatch> Submit(RowWrite write) => store.Committer.CommitAsync(new WriteUnit([write]));
        var units = new[]
        {
            Submit(Rows.State("burst", "{\"v\":1}", expectedVersion: 0)),
            Submit(Rows.State("burst", "{\"v\":2}", expectedVersion: 1)),
            Submit(Rows.State("other")),
            Submit(Rows.State("burst", "{\"v\":3}", expectedVersion: 2)),
        };
        await gate.OpenAsync();

        var batches = await Task.WhenAll(units).WaitAsync(TestStore.Guard);
        await opener.WaitAsync(TestStore.Guard);
        Assert.Equal(3, new[] { batches[0], batches[1], batches[3] }.Select(b => b.Seq).Distinct().Count());
        Assert.Equal(batches[0].Seq, batches[2].Seq);
        Assert.Equal(1, await store.CountAsync("SELECT count(*) FROM test_state WHERE grain_key = 'burst' AND version = 3 AND payload = '{\"v\":3}'"));
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task RefusedAndStaleUnitsFailAloneAndWriteNothingWhileTheirBatchMatesCommit(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider, o => o.Writers = 1);
        await store.CommitAsync(Rows.Region("110000", "北京市", "province"), Rows.Region(Rows.County, "海淀区", parent: "110000"));
        await store.CommitAsync(Rows.State("existing", "{\"v\":1}"));
        await using var gate = await DatabaseGate.CloseAsync(store.Database);
        var opener = store.Committer.CommitAsync(new WriteUnit([Rows.State("opener")]));
        await DatabaseGate.WaitUntilWritingAsync(store.Committer, TestStore.Guard);

        List<Task<CommittedBatch>> good = [];
        Task<CommittedBatch> Submit(params RowWrite[] writes) => store.Committer.CommitAsync(new WriteUnit(writes));
        for (var i = 0; i < 50; i++) good.Add(Submit(Rows.Branch($"good-{i}", Rows.County), Rows.Talk("honoree-1", 10)));
        var missingRegion = Submit(Rows.Branch("orphan", "999999"), Rows.Talk("honoree-1", 1_000));
        var missingName = Submit(Rows.Branch("nameless", Rows.County, name: null), Rows.Talk("honoree-1", 1_000));
        var stale = Submit(Rows.State("existing", "{\"v\":2}", expectedVersion: 0), Rows.Talk("honoree-1", 1_000));
        for (var i = 50; i < 100; i++) good.Add(Submit(Rows.Branch($"good-{i}", Rows.County), Rows.Talk("honoree-1", 10)));
        await gate.OpenAsync();

        await Assert.ThrowsAsync<WriteRejectedException>(() => missingRegion.WaitAsync(TestStore.Guard));
        await Assert.ThrowsAsync<WriteRejectedException>(() => missingName.WaitAsync(TestStore.Guard));
        await Assert.ThrowsAsync<VersionConflictException>(() => stale.WaitAsync(TestStore.Guard));
        var batches = await Task.WhenAll(good).WaitAsync(TestStore.Guard);
        await opener;
        // Units are batched in arrival order, so one sequence number on both sides of the bad units means they shared the batch.
        Assert.Single(batches.Select(b => b.Seq).Distinct());
        Assert.Equal(100, await store.CountAsync("SELECT count(*) FROM branches WHERE branch_id LIKE 'good-%' AND version = 1"));
        Assert.Equal(0, await store.CountAsync("SELECT count(*) FROM branches WHERE branch_id IN ('orphan', 'nameless')"));
        Assert.Equal(1, await store.CountAsync("SELECT count(*) FROM test_state WHERE grain_key = 'existing' AND version = 1 AND payload = '{\"v\":1}'"));
        // Only the good units' increments were made.
        Assert.Equal(100 * 10, await store.CountAsync("SELECT SUM(audience) FROM honoree_rollups WHERE honoree_id = 'honoree-1'"));
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task UnitWhoseOwnerIsStaleWritesNoneOfItsOtherRows(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.CommitAsync(Rows.State("a"));

        await Assert.ThrowsAsync<VersionConflictException>(() =>
            store.CommitAsync(Rows.State("a", "{\"n\":2}", expectedVersion: 7), Rows.Region("120000", "天津市", "province"), Rows.Talk("honoree-1", 5)));

        Assert.Equal(0, await store.CountAsync("SELECT count(*) FROM test_state WHERE version <> 1 OR payload <> '{}'"));
        Assert.Equal(0, await store.CountAsync("SELECT count(*) FROM regions"));
        Assert.Equal(0, await store.CountAsync("SELECT count(*) FROM honoree_rollups"));
        await store.CommitAsync(Rows.State("a", "{\"n\":2}", expectedVersion: 1));
        Assert.Equal(1, await store.CountAsync("SELECT count(*) FROM test_state WHERE version = 2"));
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
    public async Task TwoUpdatesFromOneVersionLetExactlyOneWin(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider, o => o.Writers = 1);
        await store.CommitAsync(Rows.State("shared", "{\"v\":1}"));
        await using var gate = await DatabaseGate.CloseAsync(store.Database);
        var opener = store.Committer.CommitAsync(new WriteUnit([Rows.State("opener")]));
        await DatabaseGate.WaitUntilWritingAsync(store.Committer, TestStore.Guard);

        // Both expect version 1.
        var first = store.Committer.CommitAsync(new WriteUnit([Rows.State("shared", "{\"by\":1}", expectedVersion: 1)]));
        var second = store.Committer.CommitAsync(new WriteUnit([Rows.State("shared", "{\"by\":2}", expectedVersion: 1)]));
        await gate.OpenAsync();
        await opener;

        await first.WaitAsync(TestStore.Guard);
        await Assert.ThrowsAsync<VersionConflictException>(() => second.WaitAsync(TestStore.Guard));
        Assert.Equal(1, await store.CountAsync("SELECT count(*) FROM test_state WHERE grain_key = 'shared' AND version = 2 AND payload = '{\"by\":1}'"));
    }

    [PostgresFact]
    public async Task ValueOfTheWrongTypeFailsOnlyItsOwnUnitOnPostgres()
    {
        // A string bound to a timestamptz column is SQLSTATE 42804 on PostgreSQL (SQLite stores it as text).
        await using var store = await TestStore.CreateAsync(StorageProvider.Postgres, o => o.Writers = 1);
        await store.CommitAsync(Rows.Region(Rows.County, "海淀区"));
        await using var gate = await DatabaseGate.CloseAsync(store.Database);
        var opener = store.Committer.CommitAsync(new WriteUnit([Rows.State("opener")]));
        await DatabaseGate.WaitUntilWritingAsync(store.Committer, TestStore.Guard);

        var good = store.Committer.CommitAsync(new WriteUnit([Rows.Branch("typed-well", Rows.County)]));
        var bad = store.Committer.CommitAsync(new WriteUnit([new VersionedPut(Rows.Branches, ["typed-badly"],
            ["Branch", Rows.County, null, 10, null, "not a time", "not a time", "key:test"], 0)]));
        await gate.OpenAsync();
        await opener;

        await good.WaitAsync(TestStore.Guard);
        await Assert.ThrowsAsync<WriteRejectedException>(() => bad.WaitAsync(TestStore.Guard));
        Assert.Equal(1, await store.CountAsync("SELECT count(*) FROM branches WHERE branch_id = 'typed-well'"));
        Assert.Equal(0, await store.CountAsync("SELECT count(*) FROM branches WHERE branch_id = 'typed-badly'"));
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task BulkUnitsAreOneBatchWithAnOutcomeEach(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var keys = Enumerable.Range(0, 1_500).Select(i => $"bulk-{i}").ToList();
        var first = await store.Committer.CommitAllAsync([.. keys.Select(k => new WriteUnit([Rows.State(k), Rows.Talk("honoree-1", 1)]))])
            .WaitAsync(TestStore.Guard);
        Assert.All(first.Errors, Assert.Null);

        // Every other row exists already: those units fail alone, the rest are written, with their increments.
        var second = await store.Committer.CommitAllAsync([.. Enumerable.Range(1_000, 1_000).Select(i =>
            new WriteUnit([Rows.State($"bulk-{i}"), Rows.Talk("honoree-1", 1)]))]).WaitAsync(TestStore.Guard);

        Assert.Equal(500, second.Errors.Count(e => e is VersionConflictException));
        Assert.Equal(500, second.Errors.Count(e => e is null));
        Assert.Single(second.Batch!.Increments);
        Assert.Equal(500, second.Batch.Increments[0].Deltas[1]);
        Assert.Equal(2_000, await store.CountAsync("SELECT count(*) FROM test_state"));
        Assert.Equal(2_000, await store.CountAsync("SELECT SUM(audience) FROM honoree_rollups"));

    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task BulkBatchAfterOneRolledBackWhollyIsStillOneBatch(StorageProvider provider)
    {
        // One writer, so that every batch goes over the same connection, and what a rolled-back one left behind is met.
        await using var store = await TestStore.CreateAsync(provider, o => o.Writers = 1);
        var keys = Enumerable.Range(0, 1_200).Select(i => $"bulk-{i}").ToList();
        WriteUnit[] Units(IEnumerable<string> ks) => [.. ks.Select(k => new WriteUnit([Rows.State(k), Rows.Talk("honoree-1", 1)]))];
        foreach (var half in keys.Chunk(600)) Assert.All((await store.Committer.CommitAllAsync(Units(half)).WaitAsync(TestStore.Guard)).Errors, Assert.Null);

        // Every row is there already: every unit fails and the transaction is rolled back, with whatever it made on the way.
        var again = await store.Committer.CommitAllAsync(Units(keys)).WaitAsync(TestStore.Guard);
        Assert.All(again.Errors, e => Assert.IsType<VersionConflictException>(e));

        // The next batch of new rows is still written as one batch, its increments summed (a batch retried unit by unit
        // after the database refused it reports one increment per unit).
        var fresh = await store.Committer.CommitAllAsync(Units(Enumerable.Range(2_000, 1_200).Select(i => $"bulk-{i}"))).WaitAsync(TestStore.Guard);
        Assert.All(fresh.Errors, Assert.Null);
        Assert.Single(fresh.Batch!.Increments);
        Assert.Equal(2_400, await store.CountAsync("SELECT count(*) FROM test_state"));
        Assert.Equal(2_400, await store.CountAsync("SELECT SUM(audience) FROM honoree_rollups"));
    }
}
