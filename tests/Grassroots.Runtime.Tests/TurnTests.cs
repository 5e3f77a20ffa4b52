using Grassroots.Runtime.Tests.Grains;
using Grassroots.Runtime.Tests.Support;

namespace Grassroots.Runtime.Tests;

public sealed class TurnTests
{
    [Fact]
    public async Task CallsToOneGrainRunOneAtATimeInArrivalOrder()
    {
        await using var silo = new TestRuntime();
        var grain = silo.Get<ISequenceGrain>("one");

        var calls = new Task[1_000];
        for (var i = 0; i < calls.Length; i++) calls[i] = grain.AppendAsync(i);
        await Task.WhenAll(calls).WaitAsync(TestRuntime.Guard);
        var report = await grain.GetReportAsync();

        Assert.Equal(Enumerable.Range(0, 1_000), report.Values);
        Assert.Equal(1, report.MaxInFlight);
    }

    [Fact]
    public async Task DifferentGrainsRunInParallel()
    {
        await using var silo = new TestRuntime();

        // Each call only returns once both have entered: with one-at-a-time execution the first would time out.
        var first = silo.Get<IRendezvousGrain>("a").MeetAsync();
        var second = silo.Get<IRendezvousGrain>("b").MeetAsync();

        await Task.WhenAll(first, second).WaitAsync(TestRuntime.Guard);
        Assert.Equal(2, silo.Runtime.ActivationCount);
    }

    [Fact]
    public async Task ConcurrentFirstCallsToOneKeyCreateOneActivation()
    {
        await using var silo = new TestRuntime();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var calls = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await silo.Get<ILifecycleGrain>("shared").GetInstanceIdAsync();
        })).ToArray();
        start.SetResult();
        var ids = await Task.WhenAll(calls).WaitAsync(TestRuntime.Guard);

        Assert.Single(ids.Distinct());
        Assert.Equal(1, silo.Probe.Constructions.Count);
        Assert.Equal(1, silo.Probe.Activations.Count);
        Assert.Equal(1, silo.Runtime.ActivationCount);
    }

    [Fact]
    public async Task ReferencesToOneKeyAreTheSameObject()
    {
        await using var silo = new TestRuntime();

        Assert.Same(silo.Get<IEchoGrain>("k"), silo.Get<IEchoGrain>("k"));
        Assert.NotSame(silo.Get<IEchoGrain>("k"), silo.Get<IEchoGrain>("other"));
        Assert.Equal(0, silo.Runtime.ActivationCount);
    }
}
