using Grassroots.Runtime.Tests.Grains;
using Grassroots.Runtime.Tests.Support;

namespace Grassroots.Runtime.Tests;

public sealed class TimerTests
{
    private static readonly TimeSpan FastPeriod = TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task TimerTicksAsTurnsThatNeverOverlapCalls()
    {
        await using var silo = new TestRuntime();
        var grain = silo.Get<ITickingGrain>("ticking");
        await grain.StartTickingAsync(FastPeriod, failEveryTick: false);

        var calls = 0;
        var deadline = DateTime.UtcNow + TestRuntime.Guard;
        while ((calls < 20 || silo.Probe.Ticks.Count < 20) && DateTime.UtcNow < deadline)
        {
            await Task.WhenAll(grain.BusyAsync(), grain.BusyAsync());
            calls += 2;
        }

        Assert.True(silo.Probe.Ticks.Count >= 20, $"Only {silo.Probe.Ticks.Count} ticks ran.");
        Assert.Equal(0, silo.Probe.Overlaps.Count);
    }

    [Fact]
    public async Task TimerStopsWhenGrainDeactivates()
    {
        await using var silo = new TestRuntime();
        var grain = silo.Get<ITickingGrain>("stopping");
        await grain.StartTickingAsync(FastPeriod, failEveryTick: false);
        await silo.Probe.Ticks.WhenAtLeastAsync(3);

        await grain.DeactivateAsync();
        await silo.Probe.Deactivations.WhenAtLeastAsync(1);
        var ticksAtDeactivation = silo.Probe.Ticks.Count;
        await Task.Delay(200); // a hundred or more periods; any tick that still ran would show below

        Assert.Equal(ticksAtDeactivation, silo.Probe.Ticks.Count);
        Assert.Equal(0, silo.Probe.TicksAfterDeactivation.Count);
    }

    [Fact]
    public async Task FailingTickIsLoggedAndTimerKeepsTicking()
    {
        await using var silo = new TestRuntime();
        var grain = silo.Get<ITickingGrain>("failing");

        await grain.StartTickingAsync(FastPeriod, failEveryTick: true);
        await silo.Probe.Ticks.WhenAtLeastAsync(3);

        await grain.BusyAsync();
    }
}
