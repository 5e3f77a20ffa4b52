namespace Grassroots.Runtime;

/// <summary>
/// Base class of grain implementations. One instance lives per activation; its methods are called
/// one at a time in arrival order, so a grain needs no locks for its own fields.
/// </summary>
public abstract class Grain
{
    private Activation? _activation;

    /// <summary>The key this grain was addressed with.</summary>
    public string GrainKey => Activation.Id.Key;

    protected IGrainFactory GrainFactory => Activation.Runtime;

    private Activation Activation =>
        _activation ?? throw new InvalidOperationException("The grain is not attached to an activation yet.");

    internal void Attach(Activation activation) => _activation = activation;

    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// Calls <paramref name="callback"/> as a turn of this grain after <paramref name="dueTime"/> and then every
    /// <paramref name="period"/>. Ticks are skipped while one is still queued; ticks do not keep the grain active.
    /// </summary>
    protected IDisposable RegisterTimer(Func<Task> callback, TimeSpan dueTime, TimeSpan period) =>
        Activation.RegisterTimer(callback, dueTime, period);

    /// <summary>Deactivates this grain once the current call and those already queued have finished.</summary>
    protected void DeactivateOnIdle() => Activation.Runtime.RequestDeactivation(Activation, DeactivationReason.Requested);
}
