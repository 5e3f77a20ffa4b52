using System.Collections.Concurrent;
using Grassroots.Storage.Tests.Support;

namespace Grassroots.Storage.Tests;

public sealed class IncrementTests
{
    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task ConcurrentIncrementsOfOneRowSumExactly(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);

        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => store.CommitAsync(Rows.Talk("silo-1", "honoree-1", audience: i, onlineViews: 2))));

        var totals = await TotalsAsync(store, "honoree-1");
        Assert.Equal([300L, Enumerable.Range(0, 300).Sum(), 600L], totals);
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task ListenerHearsAbsoluteValuesStampedWithTheirBatchSequence(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var heard = new Recorder();
        store.Committer.AddListener(heard);

        var receipts = new List<CommitReceipt>();
        for (var round = 0; round < 3; round++)
            receipts.AddRange(await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => store.CommitAsync(Rows.Talk("silo-1", "honoree-1", audience: 5)))));

        var rows = heard.Rows.Where(r => Equals(r.Key[1], "honoree-1")).ToList();
        Assert.Equal(receipts.Select(r => r.Seq).Distinct().Order(), rows.Select(r => r.Seq));
        Assert.True(rows.Zip(rows.Skip(1)).All(p => p.First.Seq < p.Second.Seq && p.First.Values[0] < p.Second.Values[0]));
        Assert.Equal([120L, 600L, 0L], rows[^1].Values);
        Assert.Equal(rows[^1].Values, await TotalsAsync(store, "honoree-1"));
        Assert.Equal(rows[^1].Seq, await store.CountAsync("SELECT seq FROM honoree_rollups WHERE honoree_id = 'honoree-1'"));
        // Each notification carries the total as committed in its batch: all increments of the batches up to it.
        var committedBy = receipts.GroupBy(r => r.Seq).OrderBy(g => g.Key).Select(g => g.Count()).ToList();
        Assert.Equal(committedBy.Select((_, i) => (long)committedBy.Take(i + 1).Sum()), rows.Select(r => r.Values[0]));
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task SequenceKeepsRisingWhenANewCommitterTakesOverTheShard(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var before = new List<CommitReceipt>();
        for (var i = 0; i < 3; i++) before.Add(await store.CommitAsync(Rows.Talk("silo-1", "honoree-1", audience: 10)));
        Assert.True(before.Zip(before.Skip(1)).All(p => p.First.Seq < p.Second.Seq));
        Assert.Equal(before[^1].Seq, await store.CountAsync("SELECT seq FROM shards WHERE shard = $1", store.Test.Options.Shard));

        await store.RestartCommitterAsync();
        var heard = new Recorder();
        store.Committer.AddListener(heard);
        var after = await store.CommitAsync(Rows.Talk("silo-1", "honoree-1", audience: 10));

        Assert.True(after.Seq > before[^1].Seq, $"seq {after.Seq} after restart is not above {before[^1].Seq}");
        var row = Assert.Single(heard.Rows);
        Assert.Equal(after.Seq, row.Seq);
        Assert.Equal([4L, 40L, 0L], row.Values);
    }

    private static async Task<long[]> TotalsAsync(TestStore store, string honoreeId) =>
        (await store.Database.QueryAsync("SELECT talks, audience, online_views FROM honoree_rollups WHERE honoree_id = $1", [honoreeId],
            r => new[] { Convert.ToInt64(r.GetValue(0)), Convert.ToInt64(r.GetValue(1)), Convert.ToInt64(r.GetValue(2)) })).Single();

    private sealed class Recorder : ICommitListener
    {
        private readonly ConcurrentQueue<IncrementedRow> _rows = new();

        public IReadOnlyList<IncrementedRow> Rows => [.. _rows];

        public Task OnCommittedAsync(IReadOnlyList<IncrementedRow> rows, long seq)
        {
            foreach (var row in rows) _rows.Enqueue(row);
            return Task.CompletedTask;
        }
    }
}
