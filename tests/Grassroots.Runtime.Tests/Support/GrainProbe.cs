using System.Collections.Concurrent;

namespace Grassroots.Runtime.Tests.Support;

/// <summary>What happened to one runtime's test grains, and the gates a test opens to let them go on.</summary>
public sealed class GrainProbe
{
    private int _activationFailuresLeft;

    public Tally Constructions { get; } = new();
    public Tally Activations { get; } = new();
    public Tally Deactivations { get; } = new();
    public Tally Entered { get; } = new();
    public Tally Ticks { get; } = new();
    public Tally Conflicts { get; } = new();

    /// <summary>Whether a timer tick ever ran while a call was in progress, or the other way round.</summary>
    public Tally Overlaps { get; } = new();
    public Tally TicksAfterDeactivation { get; } = new();

    public ConcurrentQueue<DeactivationRecord> DeactivationLog { get; } = new();
    public ConcurrentQueue<WeakReference> Instances { get; } = new();

    /// <summary>Grains waiting on this continue once the test opens it.</summary>
    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, <c>FragileGrain</c> activations wait on it before deciding whether to fail.</summary>
    public TaskCompletionSource? ActivationGate { get; set; }

    public void FailNextActivations(int count) => Volatile.Write(ref _activationFailuresLeft, count);

    public bool TakeActivationFailure() => Interlocked.Decrement(ref _activationFailuresLeft) >= 0;

    public void Constructed(object grain)
    {
        Instances.Enqueue(new WeakReference(grain));
        Constructions.Increment();
    }
}

public sealed record DeactivationRecord(string Key, DeactivationReason Reason, int CompletedCalls);
