using System.Diagnostics;

namespace Grassroots.Runtime;

/// <summary>One turn queued on an activation. Never throws out of <see cref="RunAsync"/>.</summary>
internal abstract class WorkItem
{
    public abstract Task RunAsync(Activation activation);

    /// <summary>Fails the item without running it (the activation could not be created).</summary>
    public abstract void Fail(Exception error);

    /// <summary>Whether this item keeps the activation from looking idle.</summary>
    public virtual bool CountsAsActivity => true;
}

/// <summary>A call from a grain reference; completes the caller's task with the grain method's outcome.</summary>
internal sealed class CallItem<T>(Func<object, Task<T>> call, string method, ActivityContext parent) : WorkItem
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Task => _completion.Task;

    public override async Task RunAsync(Activation activation)
    {
        using var span = RuntimeTelemetry.Source.StartActivity(
            $"grain {activation.Id.Type}.{method}", ActivityKind.Internal, parent);
        span?.SetTag("grain.key", activation.Id.Key);
        try
        {
            _completion.TrySetResult(await call(activation.Instance!).ConfigureAwait(false));
        }
        catch (Exception error)
        {
            span?.SetStatus(ActivityStatusCode.Error, error.Message);
            _completion.TrySetException(error);
        }
    }

    public override void Fail(Exception error) => _completion.TrySetException(error);
}

/// <summary>A timer tick; its errors are logged, not thrown.</summary>
internal sealed class TimerItem(GrainTimer timer) : WorkItem
{
    public override bool CountsAsActivity => false;

    public override Task RunAsync(Activation activation) => timer.RunTickAsync(activation);

    public override void Fail(Exception error) => timer.TickSkipped();
}

/// <summary>The last turn of an activation: stops timers and runs the deactivation hook.</summary>
internal sealed class DeactivationItem(DeactivationReason reason) : WorkItem
{
    public override bool CountsAsActivity => false;

    public override Task RunAsync(Activation activation) => activation.DeactivateAsync(reason);

    public override void Fail(Exception error) { }
}
