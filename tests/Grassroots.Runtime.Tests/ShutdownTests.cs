using Grassroots.Runtime.Tests.Grains;
using Grassroots.Runtime.Tests.Support;

namespace Grassroots.Runtime.Tests;

public sealed class ShutdownTests
{
    [Fact]
    public async Task StopLetsQueuedCallsFinishThenDeactivatesEveryGrain()
    {
        await using var silo = new TestRuntime();
        var busy = silo.Get<ILifecycleGrain>("busy");
        var other = silo.Get<ILifecycleGrain>("other");
        await silo.Get<ILifecycleGrain>("idle").GetInstanceIdAsync();

        var calls = new[] { busy.WaitForGateAsync(), busy.WaitForGateAsync(), busy.WaitForGateAsync(), other.WaitForGateAsync() };
        await silo.Probe.Entered.WhenAtLeastAsync(2);
        var stop = silo.Runtime.StopAsync(CancellationToken.None);
        var stillDraining = !stop.IsCompleted;
        await Assert.ThrowsAsync<InvalidOperationException>(() => busy.GetInstanceIdAsync());
        silo.Probe.Gate.SetResult();
        var ids = await Task.WhenAll(calls).WaitAsync(TestRuntime.Guard);
        await stop.WaitAsync(TestRuntime.Guard);

        Assert.True(stillDraining);
        Assert.Equal(2, ids.Distinct().Count());
        var deactivations = silo.Probe.DeactivationLog.OrderBy(d => d.Key).ToArray();
        Assert.Equal(
            [new("busy", DeactivationReason.Shutdown, 3), new("idle", DeactivationReason.Shutdown, 1), new("other", DeactivationReason.Shutdown, 1)],
            deactivations);
        Assert.Equal(0, silo.Runtime.ActivationCount);
    }

    [Fact]
    public async Task CallsAfterStopAreRefused()
    {
        await using var silo = new TestRuntime();
        var grain = silo.Get<ILifecycleGrain>("stopped");
        await grain.GetInstanceIdAsync();

        await silo.Runtime.StopAsync(CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.GetInstanceIdAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => silo.Get<ILifecycleGrain>("never").GetInstanceIdAsync());
        Assert.Equal(1, silo.Probe.Activations.Count);
    }

    [Fact]
    public async Task StopGivesUpOnAStuckGrainAfterShutdownTimeout()
    {
        await using var silo = new TestRuntime(options => options.ShutdownTimeout = TimeSpan.FromMilliseconds(50));
        var stuck = silo.Get<ILifecycleGrain>("stuck").WaitForGateAsync();
        await silo.Probe.Entered.WhenAtLeastAsync(1);

        await silo.Runtime.StopAsync(CancellationToken.None).WaitAsync(TestRuntime.Guard);

        Assert.False(stuck.IsCompleted);
        Assert.Equal(0, silo.Probe.Deactivations.Count);
    }

    [Fact]
    public async Task StartedRuntimeStopsItsIdleCollector()
    {
        await using var silo = new TestRuntime();
        await silo.Runtime.StartAsync(CancellationToken.None);
        await silo.Get<ILifecycleGrain>("started").GetInstanceIdAsync();

        await silo.Runtime.StopAsync(CancellationToken.None).WaitAsync(TestRuntime.Guard);

        Assert.Equal(DeactivationReason.Shutdown, Assert.Single(silo.Probe.DeactivationLog).Reason);
    }
}
