using Grassroots.Runtime.Persistence;
using Grassroots.Runtime.Tests.Support;

namespace Grassroots.Runtime.Tests.Grains;

/// <summary>A counter kept in persistent state, loaded on activation.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> IncrementAsync();

    /// <summary>Increments; on a version conflict re-reads the stored state and tries again.</summary>
    Task<int> IncrementWithRetryAsync();

    Task<CounterSnapshot> GetSnapshotAsync();
    Task ClearAsync();
    Task DeactivateAsync();
}

public sealed record CounterState
{
    public int Value { get; init; }
}

public sealed record CounterSnapshot(int Value, string? ETag, bool RecordExists);

public sealed class CounterGrain([PersistentState("counter")] IPersistentState<CounterState> state, GrainProbe probe)
    : Grain, ICounterGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await state.ReadStateAsync();
        probe.Activations.Increment();
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Deactivations.Increment();
        return Task.CompletedTask;
    }

    public async Task<int> IncrementAsync()
    {
        state.State = state.State with { Value = state.State.Value + 1 };
        await state.WriteStateAsync();
        return state.State.Value;
    }

    public async Task<int> IncrementWithRetryAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await IncrementAsync();
            }
            catch (InconsistentStateException) when (attempt < 3)
            {
                probe.Conflicts.Increment();
                await state.ReadStateAsync();
            }
        }
    }

    public Task<CounterSnapshot> GetSnapshotAsync() =>
        Task.FromResult(new CounterSnapshot(state.State.Value, state.ETag, state.RecordExists));

    public Task ClearAsync() => state.ClearStateAsync();

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
