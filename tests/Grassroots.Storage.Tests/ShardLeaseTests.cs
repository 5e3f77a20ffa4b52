using Microsoft.Extensions.Logging.Abstractions;

namespace Grassroots.Storage.Tests;

/// <summary>Two running processes can never write as one shard (DESIGN.md §3): the second refuses to start.</summary>
public sealed class ShardLeaseTests
{
    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task ASecondHolderOfTheSameShardIsRefusedUntilTheFirstLetsGo(StorageProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider, shard: "silo-7");
        var first = new ShardLease(test.OptionsFor("silo-7"), NullLogger<ShardLease>.Instance);
        await first.StartAsync(CancellationToken.None);
        Assert.True(first.IsHeld);

        var twin = new ShardLease(test.OptionsFor("silo-7"), NullLogger<ShardLease>.Instance);
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => twin.StartAsync(CancellationToken.None));
        Assert.Contains(provider == StorageProvider.Postgres ? "silo-7" : "SQLite", refused.Message);
        Assert.False(twin.IsHeld);

        await first.StopAsync(CancellationToken.None);
        Assert.False(first.IsHeld);
        await twin.StartAsync(CancellationToken.None);
        Assert.True(twin.IsHeld);
        await twin.StopAsync(CancellationToken.None);
    }

    [PostgresFact]
    public async Task OtherShardsOnTheSameDatabaseAreHeldSideBySide()
    {
        await using var test = await TestDatabase.CreateAsync(StorageProvider.Postgres);
        var a = new ShardLease(test.OptionsFor("silo-a"), NullLogger<ShardLease>.Instance);
        var b = new ShardLease(test.OptionsFor("silo-b"), NullLogger<ShardLease>.Instance);
        await a.StartAsync(CancellationToken.None);
        await b.StartAsync(CancellationToken.None);
        Assert.True(a.IsHeld && b.IsHeld);
        await a.StopAsync(CancellationToken.None);
        await b.StopAsync(CancellationToken.None);
    }
}
