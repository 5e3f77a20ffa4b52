using Grassroots.Domain.Caching;

namespace Grassroots.Domain.Tests;

/// <summary>
/// A silo's cache remembers a forgotten id only while a load that began before the forget still runs: forgetting many ids
/// keeps few in memory, and a load that began before a forget is still not stored, however many forgets came between.
/// </summary>
public sealed class SiloCacheTests
{
    private sealed record Campaign(string Name);

    [Fact]
    public async Task ForgettingManyIdsKeepsFewOnceNoLoadRuns()
    {
        var cache = new SiloCache<Campaign>("campaign", TimeProvider.System);
        await cache.GetAsync("c1", () => Task.FromResult<Campaign?>(new("first")));

        for (var i = 0; i < 100_000; i++) cache.Forget($"id-{i}");

        Assert.InRange(cache.ForgottenCount, 0, SiloCache<Campaign>.PruneAbove + 1);
        Assert.Equal("first", (await cache.GetAsync("c1", () => Task.FromResult<Campaign?>(new("loaded again"))))!.Name);
    }

    [Fact]
    public async Task ALoadThatBeganBeforeAForgetIsNotStoredWhileManyOtherForgetsArePruned()
    {
        var cache = new SiloCache<Campaign>("campaign", TimeProvider.System);
        var stale = new TaskCompletionSource<Campaign?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowLoad = cache.GetAsync("c1", () => stale.Task);

        cache.Forget("c1"); // the campaign changed while the load was reading the old one
        for (var i = 0; i < 10_000; i++) cache.Forget($"id-{i}");
        // What was forgotten while the load runs is kept for it, "c1" among it.
        Assert.True(cache.ForgottenCount > SiloCache<Campaign>.PruneAbove);

        stale.SetResult(new("old"));
        Assert.Equal("old", (await slowLoad)!.Name); // answered to its caller, not kept
        Assert.Equal("new", (await cache.GetAsync("c1", () => Task.FromResult<Campaign?>(new("new"))))!.Name);
        Assert.Equal("new", (await cache.GetAsync("c1", () => Task.FromResult<Campaign?>(new("newer"))))!.Name);

        // No load runs now: the next forgets let go of everything remembered.
        for (var i = 0; i < 20_000; i++) cache.Forget($"after-{i}");
        Assert.InRange(cache.ForgottenCount, 0, 2 * SiloCache<Campaign>.PruneAbove);
    }

    [Fact]
    public async Task ALoadThatBeganAfterAForgetIsStoredAndOneThatFailedHoldsNothingBack()
    {
        var cache = new SiloCache<Campaign>("campaign", TimeProvider.System);
        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetAsync("c1", () => throw new InvalidOperationException("database away")));
        cache.Forget("c1");

        Assert.Equal("loaded", (await cache.GetAsync("c1", () => Task.FromResult<Campaign?>(new("loaded"))))!.Name);
        Assert.Equal("loaded", (await cache.GetAsync("c1", () => Task.FromResult<Campaign?>(new("not asked"))))!.Name);

        // The failed load ended: nothing keeps the forgotten ids once no load runs.
        for (var i = 0; i < 5_000; i++) cache.Forget($"id-{i}");
        Assert.InRange(cache.ForgottenCount, 0, SiloCache<Campaign>.PruneAbove + 1);
    }
}
