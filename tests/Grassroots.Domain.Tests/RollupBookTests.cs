using Grassroots.Domain.Rollups;
using Grassroots.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grassroots.Domain.Tests;

/// <summary>
/// A holder's figures loaded again keep every batch applied since the reload began, whether the snapshot they come from
/// has it or not: a batch the snapshot lacks is applied to the new figures, one it has is not applied twice. The replica
/// begins a reload before it takes the snapshot (RollupReplica.LoadAllAsync), so a batch committed after the snapshot is
/// never in neither.
/// </summary>
public sealed class RollupBookTests
{
    private sealed class Tally(long sum)
    {
        public long Sum = sum;
    }

    [Fact]
    public async Task AReloadKeepsTheBatchesAppliedSinceItBeganAndCountsEachOnce()
    {
        await using var test = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var database = Database.Create(test.Options);
        await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();
        long stored = 0; // what a snapshot of the database holds
        var store = new RollupStore(database);
        var book = new RollupBook<Tally, long>(store, new SemaphoreSlim(1, 1), (_, _) => Task.FromResult(new Tally(stored)),
            static (tally, change) => tally.Sum += change);
        Assert.Equal(0, await book.ReadAsync("CN", t => t.Sum));

        // A batch committed after the snapshot the reload reads, applied while it loads: the new figures get it.
        var reload = book.BeginReload();
        book.Apply("CN", "silo-1", 1, [5]);
        await store.InSnapshotAsync(async snapshot =>
        {
            await book.ReloadAllAsync(reload, snapshot, new Dictionary<string, long>());
            return true;
        });
        Assert.Equal(5, await book.ReadAsync("CN", t => t.Sum));

        // A batch the snapshot holds already (its shard's sequence number says so): not counted twice.
        stored = 12;
        reload = book.BeginReload();
        book.Apply("CN", "silo-1", 2, [7]);
        await store.InSnapshotAsync(async snapshot =>
        {
            await book.ReloadAllAsync(reload, snapshot, new Dictionary<string, long> { ["silo-1"] = 2 });
            return true;
        });
        Assert.Equal(12, await book.ReadAsync("CN", t => t.Sum));

        // After the reload, batches go on being applied once each, in order.
        book.Apply("CN", "silo-1", 3, [1]);
        book.Apply("CN", "silo-1", 3, [1]);
        Assert.Equal(13, await book.ReadAsync("CN", t => t.Sum));
    }

    [Fact]
    public async Task AReloadThatNeverRanLeavesTheFiguresAsTheyWere()
    {
        await using var test = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var database = Database.Create(test.Options);
        await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();
        var store = new RollupStore(database);
        var book = new RollupBook<Tally, long>(store, new SemaphoreSlim(1, 1), (_, _) => Task.FromResult(new Tally(0)),
            static (tally, change) => tally.Sum += change);
        Assert.Equal(0, await book.ReadAsync("CN", t => t.Sum));

        var reload = book.BeginReload();
        RollupBook<Tally, long>.AbandonUnlessRan(reload);
        book.Apply("CN", "silo-1", 1, [4]);
        Assert.Equal(4, await book.ReadAsync("CN", t => t.Sum));
    }
}
