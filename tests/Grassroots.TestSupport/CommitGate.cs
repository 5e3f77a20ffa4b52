using Grassroots.Storage;

namespace Grassroots.TestSupport;

/// <summary>
/// Holds the committer inside its first commit notification until released: that batch is committed but its writers
/// are not yet acknowledged, and units submitted meanwhile queue up, so the committer takes them all as its next
/// batch — in-flight writes and batching without relying on timing. Open it by committing a unit with an
/// <see cref="Increment"/> and awaiting <see cref="Entered"/>.
/// </summary>
public sealed class CommitGate : ICommitListener
{
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ManualResetEventSlim _released = new();
    private readonly TimeSpan _patience = TimeSpan.FromSeconds(120);
    private int _calls;

    public Task Entered => _entered.Task;

    /// <summary>Blocks before returning a task: the committer calls listeners on its own loop, which waits here.</summary>
    public Task OnCommittedAsync(IReadOnlyList<IncrementedRow> rows, long seq)
    {
        if (Interlocked.Increment(ref _calls) != 1) return Task.CompletedTask;
        _entered.TrySetResult();
        _released.Wait(_patience); // a test that never releases fails rather than hangs
        return Task.CompletedTask;
    }

    public void Release() => _released.Set();
}
