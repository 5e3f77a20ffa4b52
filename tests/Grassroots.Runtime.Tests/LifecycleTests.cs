using System.Runtime.CompilerServices;
using Grassroots.Runtime.Tests.Grains;
using Grassroots.Runtime.Tests.Support;

namespace Grassroots.Runtime.Tests;

public sealed class LifecycleTests
{
    [Fact]
    public async Task ActivateAndDeactivateHooksRunOnceEach()
    {
        await using var silo = new TestRuntime();
        var grain = silo.Get<ILifecycleGrain>("hooks");

        var id = await grain.GetInstanceIdAsync();
        Assert.Equal(id, await grain.GetInstanceIdAsync());
        await silo.CollectIdleAsync();
        await silo.Probe.Deactivations.WhenAtLeastAsync(1);

        Assert.Equal(1, silo.Probe.Constructions.Count);
        Assert.Equal(1, silo.Probe.Activations.Count);
        var deactivation = Assert.Single(silo.Probe.DeactivationLog);
        Assert.Equal(new DeactivationRecord("hooks", DeactivationReason.Idle, 2), deactivation);
        Assert.Equal(0, silo.Runtime.ActivationCount);
    }

    [Fact]
    public async Task CallAfterIdleCollectionGetsNewActivation()
    {
        await using var silo = new TestRuntime();
        var grain = silo.Get<ILifecycleGrain>("idle");

        var before = await grain.GetInstanceIdAsync();
        await silo.CollectIdleAsync();
        var after = await grain.GetInstanceIdAsync();

        Assert.NotEqual(before, after);
        Assert.Equal(2, silo.Probe.Activations.Count);
        Assert.Equal(1, silo.Probe.Deactivations.Count);
        Assert.Equal(1, silo.Runtime.ActivationCount);
    }

    [Fact]
    public async Task ReactivatedGrainLoadsItsPersistedState()
    {
        await using var silo = new TestRuntime();
        var counter = silo.Get<ICounterGrain>("persisted");

        await counter.IncrementAsync();
        await counter.IncrementAsync();
        await silo.CollectIdleAsync();
        await silo.Probe.Deactivations.WhenAtLeastAsync(1);
        var snapshot = await counter.GetSnapshotAsync();

        Assert.Equal(2, silo.Probe.Activations.Count);
        Assert.Equal(2, snapshot.Value);
        Assert.True(snapshot.RecordExists);
    }

    [Fact]
    public async Task GrainWithCallInProgressIsNotCollected()
    {
        await using var silo = new TestRuntime();
        var grain = silo.Get<ILifecycleGrain>("busy");

        var call = grain.WaitForGateAsync();
        await silo.Probe.Entered.WhenAtLeastAsync(1);
        var collectedWhileBusy = silo.Runtime.CollectIdle(TimeSpan.Zero);
        silo.Probe.Gate.SetResult();
        var id = await call.WaitAsync(TestRuntime.Guard);

        Assert.Equal(0, collectedWhileBusy);
        Assert.Equal(0, silo.Probe.Deactivations.Count);
        Assert.Equal(id, await grain.GetInstanceIdAsync());
    }

    [Fact]
    public async Task RecentlyCalledGrainIsNotCollectedBeforeItsIdleTime()
    {
        await using var silo = new TestRuntime();
        await silo.Get<ILifecycleGrain>("recent").GetInstanceIdAsync();

        Assert.Equal(0, silo.Runtime.CollectIdle(TimeSpan.FromHours(1)));
        Assert.Equal(1, silo.Runtime.ActivationCount);
    }

    [Fact]
    public async Task DeactivateOnIdleGivesNextCallNewInstance()
    {
        await using var silo = new TestRuntime();
        var grain = silo.Get<ILifecycleGrain>("leaving");

        var before = await grain.DeactivateOnIdleAsync();
        var after = await grain.GetInstanceIdAsync();
        await silo.Probe.Deactivations.WhenAtLeastAsync(1);

        Assert.NotEqual(before, after);
        Assert.Equal(2, silo.Probe.Constructions.Count);
        var deactivation = Assert.Single(silo.Probe.DeactivationLog);
        Assert.Equal(DeactivationReason.Requested, deactivation.Reason);
    }

    [Fact]
    public async Task DeactivateOnIdleLetsCallsAlreadyQueuedFinishOnTheSameInstance()
    {
        await using var silo = new TestRuntime();
        var grain = silo.Get<ILifecycleGrain>("draining");

        var blocker = grain.WaitForGateAsync();
        var leave = grain.DeactivateOnIdleAsync();
        var queued = grain.GetInstanceIdAsync();
        await silo.Probe.Entered.WhenAtLeastAsync(1);
        silo.Probe.Gate.SetResult();
        var ids = await Task.WhenAll(blocker, leave, queued).WaitAsync(TestRuntime.Guard);
        await silo.Probe.Deactivations.WhenAtLeastAsync(1);

        Assert.Single(ids.Distinct());
        Assert.Equal(3, Assert.Single(silo.Probe.DeactivationLog).CompletedCalls);
    }

    [Fact]
    public async Task GrainExceptionReachesCallerAndActivationKeepsServing()
    {
        await using var silo = new TestRuntime();
        var grain = silo.Get<ILifecycleGrain>("faulty");
        var before = await grain.GetInstanceIdAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.FailAsync("boom"));
        var synchronous = await Assert.ThrowsAsync<ArgumentException>(() => grain.FailSynchronously("sync boom"));

        Assert.Equal("boom", error.Message);
        Assert.Equal("sync boom", synchronous.Message);
        Assert.Equal(before, await grain.GetInstanceIdAsync());
        Assert.Equal(1, silo.Probe.Activations.Count);
    }

    [Fact]
    public async Task FailedActivationFailsTheCallAndNextCallActivatesAfresh()
    {
        await using var silo = new TestRuntime();
        silo.Probe.FailNextActivations(1);
        var grain = silo.Get<IFragileGrain>("fragile");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.GetInstanceIdAsync());
        var id = await grain.GetInstanceIdAsync();

        Assert.Equal("Activation refused.", error.Message);
        Assert.NotEqual(Guid.Empty, id);
        Assert.Equal(2, silo.Probe.Constructions.Count);
        Assert.Equal(2, silo.Probe.Activations.Count);
        Assert.Equal(1, silo.Runtime.ActivationCount);
    }

    [Fact]
    public async Task FailedActivationFailsEveryCallQueuedBehindIt()
    {
        await using var silo = new TestRuntime();
        silo.Probe.FailNextActivations(1);
        silo.Probe.ActivationGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var grain = silo.Get<IFragileGrain>("fragile");

        var calls = Enumerable.Range(0, 3).Select(_ => grain.GetInstanceIdAsync()).ToArray();
        await silo.Probe.Activations.WhenAtLeastAsync(1);
        silo.Probe.ActivationGate.SetResult();

        foreach (var call in calls)
            await Assert.ThrowsAsync<InvalidOperationException>(() => call.WaitAsync(TestRuntime.Guard));
        Assert.Equal(1, silo.Probe.Activations.Count);
        Assert.Equal(0, silo.Runtime.ActivationCount);
    }

    [Fact]
    public async Task FailedActivationReleasesTheGrainAndTheTimersItStarted()
    {
        await using var silo = new TestRuntime();
        silo.Probe.FailNextActivations(1);

        await Assert.ThrowsAsync<InvalidOperationException>(() => silo.Get<IFragileGrain>("fragile").GetInstanceIdAsync());
        var instance = Assert.Single(silo.Probe.Instances);

        // A timer left running would keep its callback, and so the grain, reachable for ever.
        var deadline = DateTime.UtcNow + TestRuntime.Guard;
        while (IsAlive(instance) && DateTime.UtcNow < deadline) await Task.Delay(10);
        Assert.False(IsAlive(instance));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool IsAlive(WeakReference reference)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return reference.IsAlive;
    }
}
