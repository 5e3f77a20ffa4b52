using Microsoft.Extensions.Logging;

namespace Grassroots.Runtime;

/// <summary>A periodic callback that runs as a turn of its grain, never concurrently with the grain's calls.</summary>
internal sealed class GrainTimer : IDisposable
{
    private readonly Activation _activation;
    private readonly Func<Task> _callback;
    private readonly Timer _timer;
    private int _queued;
    private bool _disposed;

    public GrainTimer(Activation activation, Func<Task> callback, TimeSpan dueTime, TimeSpan period)
    {
        _activation = activation;
        _callback = callback;
        _timer = new Timer(static state => ((GrainTimer)state!).Tick(), this, Timeout.Infinite, Timeout.Infinite);
        _timer.Change(dueTime, period);
    }

    private void Tick()
    {
        if (_disposed || Interlocked.Exchange(ref _queued, 1) == 1) return;
        if (!_activation.TryEnqueue(new TimerItem(this))) TickSkipped();
    }

    public void TickSkipped() => Volatile.Write(ref _queued, 0);

    public async Task RunTickAsync(Activation activation)
    {
        try
        {
            if (!_disposed) await _callback().ConfigureAwait(false);
        }
        catch (Exception error)
        {
            activation.Runtime.Logger.LogError(error, "Timer of grain {Grain} failed", activation.Id);
        }
        finally
        {
            TickSkipped();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _timer.Dispose();
        _activation.RemoveTimer(this);
    }
}
