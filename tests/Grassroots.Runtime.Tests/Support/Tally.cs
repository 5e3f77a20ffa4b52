namespace Grassroots.Runtime.Tests.Support;

/// <summary>A thread-safe counter a test can await reaching a value, so tests wait on events, not on time.</summary>
public sealed class Tally
{
    private readonly object _gate = new();
    private readonly List<(int Target, TaskCompletionSource Reached)> _waiters = [];
    private int _count;

    public int Count
    {
        get { lock (_gate) return _count; }
    }

    public void Increment()
    {
        List<TaskCompletionSource> reached = [];
        lock (_gate)
        {
            _count++;
            _waiters.RemoveAll(w => w.Target <= _count && Add(reached, w.Reached));
        }
        foreach (var waiter in reached) waiter.TrySetResult();
    }

    /// <summary>Completes once the count reaches <paramref name="target"/>; times out (and fails the test) after <see cref="TestRuntime.Guard"/>.</summary>
    public Task WhenAtLeastAsync(int target)
    {
        lock (_gate)
        {
            if (_count >= target) return Task.CompletedTask;
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((target, reached));
            return reached.Task.WaitAsync(TestRuntime.Guard);
        }
    }

    private static bool Add(List<TaskCompletionSource> list, TaskCompletionSource item)
    {
        list.Add(item);
        return true;
    }
}
