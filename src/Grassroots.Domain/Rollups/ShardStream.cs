namespace Grassroots.Domain.Rollups;

/// <summary>
/// The committed batches of one writer shard as they reach a silo, put back in commit order. Batches of one shard commit
/// one after the other, each naming the one before it, but they arrive in any order (two lanes' writers hand them over as
/// they are answered, and peers send them a flush later); one is let through only once every batch before it has been.
/// </summary>
public sealed class ShardStream(long start)
{
    private readonly SortedDictionary<long, CommittedChanges> _early = []; // by the batch before it

    /// <summary>Every batch of the shard up to this one has been let through (or is in the figures loaded at the start).</summary>
    public long Contiguous { get; private set; } = start;

    /// <summary>Since when a batch has been waiting for one before it; null when none waits.</summary>
    public DateTime? MissingSince { get; private set; }

    /// <summary>Takes a batch; answers those that may now be applied, in commit order (none when it came early or again).</summary>
    public List<CommittedChanges> Arrived(CommittedChanges batch)
    {
        if (batch.Seq <= Contiguous) return [];
        if (batch.Previous > Contiguous)
        {
            _early[batch.Previous] = batch;
            MissingSince ??= DateTime.UtcNow;
            return [];
        }
        Contiguous = batch.Seq;
        return Drain([batch]);
    }

    /// <summary>
    /// Everything up to <paramref name="at"/> is in the figures (they were loaded again): batches waiting before it are
    /// dropped, and those that follow from it are let through.
    /// </summary>
    public List<CommittedChanges> RestartAt(long at)
    {
        if (at > Contiguous) Contiguous = at;
        foreach (var previous in _early.Keys.Where(p => p < Contiguous).ToList()) _early.Remove(previous);
        return Drain([]);
    }

    private List<CommittedChanges> Drain(List<CommittedChanges> released)
    {
        while (_early.Remove(Contiguous, out var next))
        {
            released.Add(next);
            Contiguous = next.Seq;
        }
        MissingSince = _early.Count == 0 ? null : DateTime.UtcNow;
        return released;
    }
}
