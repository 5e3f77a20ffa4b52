using Grassroots.Runtime.Tests.Support;

namespace Grassroots.Runtime.Tests.Grains;

/// <summary>Runs a fast timer and reports to the probe whenever a tick and a call overlap.</summary>
public interface ITickingGrain : IGrainWithStringKey
{
    Task StartTickingAsync(TimeSpan period, bool failEveryTick);

    /// <summary>A call that stays in progress across several awaits, giving a timer every chance to cut in.</summary>
    Task BusyAsync();

    Task DeactivateAsync();
}

public sealed class TickingGrain(GrainProbe probe) : Grain, ITickingGrain
{
    private bool _inCall;
    private bool _inTick;
    private bool _deactivated;

    public Task StartTickingAsync(TimeSpan period, bool failEveryTick)
    {
        RegisterTimer(failEveryTick ? FailingTickAsync : TickAsync, period, period);
        return Task.CompletedTask;
    }

    private async Task TickAsync()
    {
        if (_deactivated) probe.TicksAfterDeactivation.Increment();
        if (_inCall) probe.Overlaps.Increment();
        _inTick = true;
        await Task.Yield();
        if (_inCall) probe.Overlaps.Increment();
        _inTick = false;
        probe.Ticks.Increment();
    }

    private Task FailingTickAsync()
    {
        probe.Ticks.Increment();
        throw new InvalidOperationException("Tick failed.");
    }

    public async Task BusyAsync()
    {
        if (_inTick) probe.Overlaps.Increment();
        _inCall = true;
        for (var i = 0; i < 3; i++)
        {
            await Task.Delay(1);
            if (_inTick) probe.Overlaps.Increment();
        }
        _inCall = false;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivated = true;
        probe.Deactivations.Increment();
        return Task.CompletedTask;
    }

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}
