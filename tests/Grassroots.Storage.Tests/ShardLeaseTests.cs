using Grassroots.Storage.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grassroots.Storage.Tests;

/// <summary>
/// Two running processes can never write as one shard (docs/architecture.md, "Rollups" and "The cluster"): the second refuses to start, and one that lost
/// its lease cannot commit once another has taken the shard.
/// </summary>
public sealed class ShardLeaseTests
{
    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task ASecondHolderOfTheSameShardIsRefusedUntilTheFirstLetsGo(StorageProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider, shard: "silo-7");
        await using var database = await MigratedAsync(test.OptionsFor("silo-7"));
        var first = new ShardLease(database, NullLogger<ShardLease>.Instance);
        await first.StartAsync(CancellationToken.None);
        Assert.True(first.HoldsAll);
        Assert.True(first.TryGetEpoch("silo-7", out var firstEpoch));

        var twin = new ShardLease(database, NullLogger<ShardLease>.Instance);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => twin.StartAsync(CancellationToken.None));
        Assert.Contains(provider == StorageProvider.Postgres ? "silo-7" : "SQLite", refused.Message);
        Assert.False(twin.HoldsAll);

        await first.StopAsync(CancellationToken.None);
        Assert.False(first.HoldsAll);
        await twin.StartAsync(CancellationToken.None);
        Assert.True(twin.TryGetEpoch("silo-7", out var twinEpoch));
        Assert.True(twinEpoch > firstEpoch, $"epoch {twinEpoch} after taking the shard again is not above {firstEpoch}");
        await twin.StopAsync(CancellationToken.None);
    }

    [PostgresFact]
    public async Task OtherShardsOnTheSameDatabaseAreHeldSideBySide()
    {
        await using var test = await TestDatabase.CreateAsync(StorageProvider.Postgres);
        await using var a = await MigratedAsync(test.OptionsFor("silo-a"));
        await using var b = Database.Create(test.OptionsFor("silo-b"));
        var leaseA = new ShardLease(a, NullLogger<ShardLease>.Instance);
        var leaseB = new ShardLease(b, NullLogger<ShardLease>.Instance);
        await leaseA.StartAsync(CancellationToken.None);
        await leaseB.StartAsync(CancellationToken.None);
        Assert.True(leaseA.HoldsAll && leaseB.HoldsAll);
        // Each silo holds a shard per writer lane.
        Assert.Equal(["silo-a", "silo-a.2"], test.OptionsFor("silo-a").LaneShards());
        Assert.True(leaseA.TryGetEpoch("silo-a.2", out _));
        await leaseA.StopAsync(CancellationToken.None);
        await leaseB.StopAsync(CancellationToken.None);
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task ABatchOfALaneWhoseShardWasTakenOverIsNotCommitted(StorageProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider, shard: "silo-9");
        var options = test.OptionsFor("silo-9");
        options.Writers = 1;
        await using var database = await MigratedAsync(options);
        await database.ExecuteAsync(Rows.TestStateTable, []);
        var lease = new ShardLease(database, NullLogger<ShardLease>.Instance);
        await lease.StartAsync(CancellationToken.None);
        await using var committer = new GroupCommitter(database, NullLogger<GroupCommitter>.Instance, lease);
        await committer.CommitAsync(new WriteUnit([Rows.State("before")])).WaitAsync(TestStore.Guard);

        // Another process took the shard (its lease raised the epoch) while this one still believes it holds it: the
        // batch it writes now is fenced out, and nothing of it is stored.
        await database.ExecuteAsync("UPDATE shards SET epoch = epoch + 1 WHERE shard = $1", ["silo-9"]);
        await Assert.ThrowsAsync<StorageUnavailableException>(() =>
            committer.CommitAsync(new WriteUnit([Rows.State("after")])).WaitAsync(TestStore.Guard));

        Assert.Equal(["before"], await database.QueryAsync("SELECT grain_key FROM test_state", [], r => r.GetString(0)));
        await lease.StopAsync(CancellationToken.None);
    }

    private static async Task<Database> MigratedAsync(StorageOptions options)
    {
        var database = Database.Create(options);
        await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();
        return database;
    }
}
