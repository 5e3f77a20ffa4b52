using Grassroots.Domain.Rollups;

namespace Grassroots.Domain.Tests;

/// <summary>A shard's batches are let through in commit order, each once, whatever order they arrive in.</summary>
public sealed class ShardStreamTests
{
    private static CommittedChanges Batch(long previous, long seq) => new("s", previous, seq, false, [], [], []);

    private static long[] Seqs(IEnumerable<CommittedChanges> batches) => [.. batches.Select(b => b.Seq)];

    [Fact]
    public void BatchesAreLetThroughInCommitOrderEachOnce()
    {
        var stream = new ShardStream(10);
        Assert.Equal([11], Seqs(stream.Arrived(Batch(10, 11))));
        // 13 comes before 12 (two lanes' writers answered out of order): it waits, and 12 brings it along.
        Assert.Empty(stream.Arrived(Batch(12, 13)));
        Assert.NotNull(stream.MissingSince);
        Assert.Equal([12, 13], Seqs(stream.Arrived(Batch(11, 12))));
        Assert.Null(stream.MissingSince);
        // Sent again (a peer's send that timed out but arrived): not applied twice.
        Assert.Empty(stream.Arrived(Batch(11, 12)));
        Assert.Equal(13, stream.Contiguous);
    }

    [Fact]
    public void ARestartDropsWhatTheLoadedFiguresHoldAndLetsTheRestThrough()
    {
        var stream = new ShardStream(10);
        // 11 never arrives (its silo died); 12, 13 and 15 wait.
        foreach (var (previous, seq) in new[] { (11L, 12L), (12L, 13L), (14L, 15L) }) Assert.Empty(stream.Arrived(Batch(previous, seq)));
        // Figures loaded again hold everything up to 12: 13 follows, 15 still waits for 14.
        Assert.Equal([13], Seqs(stream.RestartAt(12)));
        Assert.NotNull(stream.MissingSince);
        Assert.Equal([14, 15], Seqs(stream.Arrived(Batch(13, 14))));
        // A restart behind where the stream stands changes nothing.
        Assert.Empty(stream.RestartAt(12));
        Assert.Equal(15, stream.Contiguous);
    }
}
