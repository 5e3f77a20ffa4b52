using Grassroots.Runtime.Tests.Support;

namespace Grassroots.Runtime.Tests.Grains;

/// <summary>Reports its lifecycle to the probe; each instance has its own id so tests can tell activations apart.</summary>
public interface ILifecycleGrain : IGrainWithStringKey
{
    Task<Guid> GetInstanceIdAsync();

    /// <summary>Signals <see cref="GrainProbe.Entered"/>, then waits for the probe's gate.</summary>
    Task<Guid> WaitForGateAsync();

    Task FailAsync(string message);

    /// <summary>Throws before returning a task, as a non-async method does.</summary>
    Task FailSynchronously(string message);

    Task<Guid> DeactivateOnIdleAsync();
}

public sealed class LifecycleGrain : Grain, ILifecycleGrain
{
    private readonly GrainProbe _probe;
    private readonly Guid _instanceId = Guid.NewGuid();
    private int _completedCalls;

    public LifecycleGrain(GrainProbe probe)
    {
        _probe = probe;
        probe.Constructed(this);
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _probe.Activations.Increment();
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _probe.DeactivationLog.Enqueue(new DeactivationRecord(GrainKey, reason, _completedCalls));
        _probe.Deactivations.Increment();
        return Task.CompletedTask;
    }

    public Task<Guid> GetInstanceIdAsync()
    {
        _completedCalls++;
        return Task.FromResult(_instanceId);
    }

    public async Task<Guid> WaitForGateAsync()
    {
        _probe.Entered.Increment();
        await _probe.Gate.Task;
        _completedCalls++;
        return _instanceId;
    }

    public async Task FailAsync(string message)
    {
        await Task.Yield();
        throw new InvalidOperationException(message);
    }

    public Task FailSynchronously(string message) => throw new ArgumentException(message);

    public Task<Guid> DeactivateOnIdleAsync()
    {
        DeactivateOnIdle();
        _completedCalls++;
        return Task.FromResult(_instanceId);
    }
}
