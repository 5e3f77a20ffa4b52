using Microsoft.Extensions.Logging;

namespace Grassroots.Runtime;

/// <summary>
/// The one live instance of a grain in this process and the queue of its turns. A single pump runs the
/// turns in arrival order and awaits each to the end before the next starts (turn-based, not re-entrant).
/// </summary>
internal sealed class Activation(GrainRuntime runtime, GrainId id, GrainType type)
{
    private enum State { Created, Valid, Deactivating, Defunct }

    private readonly object _gate = new();
    private readonly Queue<WorkItem> _queue = new();
    private readonly List<GrainTimer> _timers = [];
    private readonly TaskCompletionSource _defunct = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private State _state = State.Created;
    private bool _pumping;
    private bool _activationTried;
    private long _lastActive = Environment.TickCount64;

    public GrainRuntime Runtime { get; } = runtime;
    public GrainId Id { get; } = id;
    public object? Instance { get; private set; }

    /// <summary>Completes when this activation is gone (deactivated, or failed to activate).</summary>
    public Task Defunct => _defunct.Task;

    /// <summary>Queues a turn; false when the activation is deactivating and the caller must find a new one.</summary>
    public bool TryEnqueue(WorkItem item)
    {
        lock (_gate)
        {
            if (_state >= State.Deactivating) return false;
            if (item.CountsAsActivity) _lastActive = Environment.TickCount64;
            _queue.Enqueue(item);
            StartPumpLocked();
        }
        return true;
    }

    /// <summary>Queues the final turn if <paramref name="onlyIfIdleSince"/> allows; later callers get a new activation.</summary>
    public bool TryBeginDeactivation(DeactivationReason reason, long? onlyIfIdleSince)
    {
        lock (_gate)
        {
            if (_state >= State.Deactivating) return false;
            if (onlyIfIdleSince is { } cutoff && (_pumping || _queue.Count > 0 || _lastActive > cutoff)) return false;
            _state = State.Deactivating;
            Runtime.Leaving(this);
            _queue.Enqueue(new DeactivationItem(reason));
            StartPumpLocked();
        }
        return true;
    }

    private void StartPumpLocked()
    {
        if (_pumping) return;
        _pumping = true;
        ThreadPool.UnsafeQueueUserWorkItem(static a => _ = a.PumpAsync(), this, preferLocal: false);
    }

    private async Task PumpAsync()
    {
        while (true)
        {
            WorkItem? item;
            lock (_gate)
            {
                if (!_queue.TryDequeue(out item))
                {
                    _pumping = false;
                    return;
                }
            }

            if (!_activationTried)
            {
                _activationTried = true;
                if (!await TryActivateAsync(item).ConfigureAwait(false)) return;
            }
            await item.RunAsync(this).ConfigureAwait(false);
            if (item.CountsAsActivity) Volatile.Write(ref _lastActive, Environment.TickCount64);
        }
    }

    private async Task<bool> TryActivateAsync(WorkItem first)
    {
        try
        {
            await Runtime.WaitForPreviousAsync(this).ConfigureAwait(false);
            var grain = type.Create(Runtime.Services, Id);
            grain.Attach(this);
            Instance = grain;
            using var cancel = new CancellationTokenSource(Runtime.Options.ShutdownTimeout);
            await grain.OnActivateAsync(cancel.Token).ConfigureAwait(false);
            lock (_gate) if (_state == State.Created) _state = State.Valid;
            RuntimeTelemetry.Activations.Add(1);
            return true;
        }
        catch (Exception error)
        {
            Runtime.Logger.LogWarning(error, "Activation of {Grain} failed", Id);
            StopTimers();
            List<WorkItem> failed = [first];
            lock (_gate)
            {
                _state = State.Defunct;
                failed.AddRange(_queue);
                _queue.Clear();
                _pumping = false;
            }
            Instance = null;
            Runtime.Remove(this);
            _defunct.TrySetResult();
            foreach (var item in failed) item.Fail(error);
            return false;
        }
    }

    public async Task DeactivateAsync(DeactivationReason reason)
    {
        StopTimers();
        try
        {
            if (Instance is Grain grain)
            {
                using var cancel = new CancellationTokenSource(Runtime.Options.ShutdownTimeout);
                await grain.OnDeactivateAsync(reason, cancel.Token).ConfigureAwait(false);
            }
        }
        catch (Exception error)
        {
            Runtime.Logger.LogWarning(error, "Deactivation of {Grain} failed", Id);
        }
        finally
        {
            lock (_gate) _state = State.Defunct;
            if (Instance is not null) RuntimeTelemetry.Activations.Add(-1);
            Instance = null;
            Runtime.Remove(this);
            _defunct.TrySetResult();
        }
    }

    /// <summary>Timers hold their grain's callback; one left running would keep a dead grain alive for ever.</summary>
    private void StopTimers()
    {
        GrainTimer[] timers;
        lock (_gate) timers = [.. _timers];
        foreach (var timer in timers) timer.Dispose();
    }

    public IDisposable RegisterTimer(Func<Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new GrainTimer(this, callback, dueTime, period);
        lock (_gate) _timers.Add(timer);
        return timer;
    }

    public void RemoveTimer(GrainTimer timer)
    {
        lock (_gate) _timers.Remove(timer);
    }
}
