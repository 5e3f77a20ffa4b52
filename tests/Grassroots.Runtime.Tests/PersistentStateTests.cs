using Grassroots.Runtime.Persistence;
using Grassroots.Runtime.Tests.Grains;
using Grassroots.Runtime.Tests.Support;

namespace Grassroots.Runtime.Tests;

public sealed class PersistentStateTests
{
    private static GrainId CounterId(string key) => new(nameof(ICounterGrain), key);

    [Fact]
    public async Task WrittenStateIsStoredWithNewVersion()
    {
        await using var silo = new TestRuntime();
        var counter = silo.Get<ICounterGrain>("round-trip");

        var fresh = await counter.GetSnapshotAsync();
        Assert.Equal(1, await counter.IncrementAsync());
        Assert.Equal(2, await counter.IncrementAsync());
        var written = await counter.GetSnapshotAsync();
        var stored = await silo.Storage.ReadAsync("counter", CounterId("round-trip"));

        Assert.Equal(new CounterSnapshot(0, null, false), fresh);
        Assert.True(written.RecordExists);
        Assert.NotNull(stored);
        Assert.Equal(written.ETag, stored.ETag);
        Assert.Equal("""{"value":2}""", stored.Payload);
    }

    [Fact]
    public async Task WriteWithStaleVersionThrowsAndGrainRecoversByRereading()
    {
        await using var silo = new TestRuntime();
        var counter = silo.Get<ICounterGrain>("contended");
        await counter.IncrementAsync();
        var id = CounterId("contended");

        // Another process holding the same grain writes first.
        var current = await silo.Storage.ReadAsync("counter", id);
        await silo.Storage.WriteAsync("counter", id, """{"value":10}""", current!.ETag);

        await Assert.ThrowsAsync<InconsistentStateException>(() => counter.IncrementAsync());
        Assert.Equal(11, await counter.IncrementWithRetryAsync());
        Assert.Equal(1, silo.Probe.Conflicts.Count);
        Assert.Equal("""{"value":11}""", (await silo.Storage.ReadAsync("counter", id))!.Payload);
    }

    [Fact]
    public async Task SecondOfTwoWritersFromTheSameVersionConflicts()
    {
        var storage = new MemoryGrainStorage();
        var id = CounterId("two-writers");
        var first = new PersistentState<CounterState>("counter", id, storage);
        var second = new PersistentState<CounterState>("counter", id, storage);
        await first.ReadStateAsync();
        await second.ReadStateAsync();

        first.State = new CounterState { Value = 1 };
        await first.WriteStateAsync();
        second.State = new CounterState { Value = 100 };
        await Assert.ThrowsAsync<InconsistentStateException>(second.WriteStateAsync);
        await second.ReadStateAsync();
        Assert.Equal(1, second.State.Value);
        second.State = second.State with { Value = second.State.Value + 1 };
        await second.WriteStateAsync();

        await first.ReadStateAsync();
        Assert.Equal(2, first.State.Value);
        Assert.Equal(second.ETag, first.ETag);
    }

    [Fact]
    public async Task ClearRemovesStoredStateAndResetsGrainState()
    {
        await using var silo = new TestRuntime();
        var counter = silo.Get<ICounterGrain>("cleared");
        await counter.IncrementAsync();

        await counter.ClearAsync();
        var cleared = await counter.GetSnapshotAsync();
        Assert.Equal(new CounterSnapshot(0, null, false), cleared);
        Assert.Null(await silo.Storage.ReadAsync("counter", CounterId("cleared")));

        Assert.Equal(1, await counter.IncrementAsync());
    }

    [Fact]
    public async Task ClearWithStaleVersionThrows()
    {
        var storage = new MemoryGrainStorage();
        var id = CounterId("stale-clear");
        var state = new PersistentState<CounterState>("counter", id, storage);
        await state.WriteStateAsync();
        await storage.WriteAsync("counter", id, """{"value":5}""", state.ETag);

        await Assert.ThrowsAsync<InconsistentStateException>(state.ClearStateAsync);
        Assert.NotNull(await storage.ReadAsync("counter", id));
    }

    [Fact]
    public async Task StateSurvivesDeactivationRequestedByTheGrain()
    {
        await using var silo = new TestRuntime();
        var counter = silo.Get<ICounterGrain>("requested");
        await counter.IncrementAsync();

        await counter.DeactivateAsync();
        Assert.Equal(2, await counter.IncrementAsync());

        Assert.Equal(2, silo.Probe.Activations.Count);
    }
}
