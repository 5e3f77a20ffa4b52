using Grassroots.Runtime.Tests.Support;

namespace Grassroots.Runtime.Tests.Grains;

/// <summary>Starts a timer while activating and then fails activation as often as the probe says.</summary>
public interface IFragileGrain : IGrainWithStringKey
{
    Task<Guid> GetInstanceIdAsync();
}

public sealed class FragileGrain : Grain, IFragileGrain
{
    private readonly GrainProbe _probe;
    private readonly Guid _instanceId = Guid.NewGuid();
    private int _ticks;

    public FragileGrain(GrainProbe probe)
    {
        _probe = probe;
        probe.Constructed(this);
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _probe.Activations.Increment();
        RegisterTimer(TickAsync, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10));
        if (_probe.ActivationGate is { } gate) await gate.Task;
        if (_probe.TakeActivationFailure()) throw new InvalidOperationException("Activation refused.");
    }

    public Task<Guid> GetInstanceIdAsync() => Task.FromResult(_instanceId);

    private Task TickAsync()
    {
        _ticks++;
        return Task.CompletedTask;
    }
}
