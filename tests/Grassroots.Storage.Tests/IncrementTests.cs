using Grassroots.Storage.Tests.Support;

namespace Grassroots.Storage.Tests;

public sealed class IncrementTests
{
    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task ConcurrentIncrementsOfOneRowSumExactly(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);

        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => store.CommitAsync(Rows.Talk("honoree-1", audience: i, onlineViews: 2))));

        Assert.Equal([300L, Enumerable.Range(0, 300).Sum(), 600L], await TotalsAsync(store, "honoree-1"));
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task EachBatchReturnsWhatItAddedSummedPerRowUnderItsShardAndSequence(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);

        var batches = new List<CommittedBatch>();
        for (var round = 0; round < 3; round++)
            batches.AddRange(await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => store.CommitAsync(Rows.Talk("honoree-1", audience: 5)))));

        // Every writer of a batch gets the same batch, and exactly one of them may claim it.
        var distinct = batches.Distinct().ToList();
        Assert.Equal(distinct.Count, distinct.Select(b => (b.Shard, b.Seq)).Distinct().Count());
        Assert.Equal(distinct.Count, distinct.Count(b => b.TryClaim()));
        Assert.False(distinct[0].TryClaim());
        // What the batches report adds up to what is stored, and each batch follows the one before it on its shard.
        Assert.Equal(120 * 5, distinct.Sum(b => b.Increments.Single().Deltas[1]));
        Assert.Equal(new[] { 120L, 600L, 0L }, await TotalsAsync(store, "honoree-1"));
        foreach (var shard in distinct.GroupBy(b => b.Shard))
        {
            var chain = shard.OrderBy(b => b.Seq).ToList();
            Assert.True(chain.Zip(chain.Skip(1)).All(p => p.Second.Previous == p.First.Seq));
            Assert.Equal(chain[^1].Seq, await store.CountAsync("SELECT seq FROM shards WHERE shard = $1", shard.Key));
        }
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task SequenceCarriesOnWhenANewCommitterTakesOverTheShard(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider, o => o.Writers = 1);
        var before = new List<CommittedBatch>();
        for (var i = 0; i < 3; i++) before.Add(await store.CommitAsync(Rows.Talk("honoree-1", audience: 10)));
        Assert.True(before.Zip(before.Skip(1)).All(p => p.First.Seq < p.Second.Seq));
        Assert.Equal(before[^1].Seq, await store.CountAsync("SELECT seq FROM shards WHERE shard = $1", store.Test.Options.Shard));

        await store.RestartCommitterAsync();
        var after = await store.CommitAsync(Rows.Talk("honoree-1", audience: 10));

        Assert.Equal(before[^1].Seq + 1, after.Seq);
        Assert.Equal(before[^1].Seq, after.Previous);
        Assert.False(after.Gap);
        Assert.Equal([1L, 10L, 0L], after.Increments.Single().Deltas);
        Assert.Equal(new[] { 4L, 40L, 0L }, await TotalsAsync(store, "honoree-1"));
    }

    private static async Task<long[]> TotalsAsync(TestStore store, string honoreeId) =>
        (await store.Database.QueryAsync(
            "SELECT SUM(talks), SUM(audience), SUM(online_views) FROM honoree_rollups WHERE honoree_id = $1", [honoreeId],
            r => new[] { r.Long(0), r.Long(1), r.Long(2) })).Single();
}
