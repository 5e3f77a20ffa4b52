using Grassroots.Storage.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grassroots.Storage.Tests;

/// <summary>
/// A stage of the committer (<see cref="IBatchStage"/>) gets a batch's staged writes of its table from the units that were
/// written and from no other, reads under lock inside the batch's transaction after the owners' rows, and what it writes
/// commits with the batch: exactly, however many writers on other shards stage writes of the same rows at once. The
/// stage here is a test's (<see cref="TallyStage"/>); the domain's own, branch activity, is tested in the domain's tests.
/// </summary>
public sealed class BatchStageTests
{
    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task TheStageGetsTheWritesOfTheUnitsWrittenSeesTheirOwnersAndCommitsWithTheBatch(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.CommitAsync(Rows.State("taken"));

        var outcome = await store.Committer.CommitAllAsync([
            new WriteUnit([Rows.State("a"), new Tally("x", 2, "a"), Rows.Talk("x", 40)]),
            new WriteUnit([Rows.State("taken"), new Tally("x", 100, "taken")]),
            new WriteUnit([Rows.State("b"), new Tally("x", 3, "b"), new Tally("y", 7, "b")])]).WaitAsync(TestStore.Guard);

        Assert.Null(outcome.Errors[0]);
        Assert.IsType<VersionConflictException>(outcome.Errors[1]);
        Assert.Null(outcome.Errors[2]);
        // One step for the batch, given the tallies of the two units written in their order, and finding both their owner
        // rows, which the batch had written but not yet committed.
        var step = Assert.Single(store.Stage.Steps);
        Assert.Equal([new Tally("x", 2, "a"), new Tally("x", 3, "b"), new Tally("y", 7, "b")], step.Given);
        Assert.Equal(["a", "b"], step.OwnersSeen);
        Assert.Equal(5, await store.TotalAsync("x"));
        Assert.Equal(7, await store.TotalAsync("y"));
        // The step's increments summed with the unit's own for the same row, and reported with the batch.
        var talks = outcome.Batch!.Increments.Where(i => i.Table == Rows.HonoreeRollups).ToDictionary(i => (string)i.Key[0]!, i => i.Deltas);
        Assert.Equal([3, 45, 0], talks["x"]);
        Assert.Equal([1, 7, 0], talks["y"]);
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task AStepOfAUnitWrittenAloneAfterABatchWasRefusedStillCounts(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);

        // The second unit's branch names no region: the database refuses the batch, and the committer writes each unit on its own.
        var outcome = await store.Committer.CommitAllAsync([
            new WriteUnit([Rows.State("a"), new Tally("x", 2, "a")]),
            new WriteUnit([Rows.Branch("b1", "no-such-region"), new Tally("x", 100, "a")]),
            new WriteUnit([Rows.State("c"), new Tally("x", 3, "c")])]).WaitAsync(TestStore.Guard);

        Assert.Null(outcome.Errors[0]);
        Assert.IsType<WriteRejectedException>(outcome.Errors[1]);
        Assert.Null(outcome.Errors[2]);
        Assert.Equal(5, await store.TotalAsync("x"));
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task WritersOnTwoShardsStagingWritesOfTheSameRowsAtOnceLoseNone(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var other = Database.Create(store.Test.OptionsFor("silo-b"));
        await using var second = TestStore.NewCommitter(other, store.Stage);
        GroupCommitter[] writers = [store.Committer, second];
        string[] names = ["x", "y", "z"];

        // Each step reads a total and writes it back with its amounts added: only a read under a lock held to the commit
        // loses none of the other writer's amounts. Each writer commits one unit after another, so their batches are many
        // and overlap.
        var random = new Random(20201124);
        var plan = Enumerable.Range(0, 240).Select(i => (Writer: i % 2, Owner: $"o{i}", Tallies: names.Where(_ => random.Next(2) == 0)
            .Select(name => new Tally(name, random.Next(1, 10), $"o{i}")).ToList())).ToList();
        await Task.WhenAll(writers.Select(async (writer, w) =>
        {
            foreach (var p in plan.Where(p => p.Writer == w)) await writer.CommitAsync(new WriteUnit([Rows.State(p.Owner), .. p.Tallies]));
        })).WaitAsync(TestStore.Guard);

        foreach (var name in names)
            Assert.Equal(plan.SelectMany(p => p.Tallies).Where(t => t.Name == name).Sum(t => t.Amount), await store.TotalAsync(name));
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task AStagedWriteNoStageTakesFailsItsBatchAndNothingIsWritten(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var bare = new GroupCommitter(store.Database, NullLogger<GroupCommitter>.Instance);

        var error = await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            bare.CommitAsync(new WriteUnit([Rows.State("a"), new Tally("x", 2, "a")])).WaitAsync(TestStore.Guard));

        Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.Equal(0, await store.CountAsync("SELECT count(*) FROM test_state"));
    }

    [Fact]
    public async Task TwoStagesOfOneTableAreRefused()
    {
        await using var test = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var database = Database.Create(test.Options);

        Assert.Throws<ArgumentException>(() => new GroupCommitter(database, NullLogger<GroupCommitter>.Instance, stages: [new TallyStage(), new TallyStage()]));
    }
}
