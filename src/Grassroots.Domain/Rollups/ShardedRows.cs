namespace Grassroots.Domain.Rollups;

/// <summary>
/// Rollup rows of every writer shard for the keys a grain holds: per key and shard the absolute values with the
/// sequence of the batch that wrote them, a row replaced only by a newer one. Also the newest sequence seen per shard,
/// by which a delivery that may have skipped rows is recognised.
/// </summary>
public sealed class ShardedRows<TKey> where TKey : notnull
{
    private readonly Dictionary<TKey, List<ShardValues>> _rows = [];
    private readonly Dictionary<string, long> _newest = [];

    private sealed class ShardValues(string shard, long[] values, long seq)
    {
        public string Shard { get; } = shard;
        public long[] Values { get; set; } = values;
        public long Seq { get; set; } = seq;
    }

    public IEnumerable<TKey> Keys => _rows.Keys;

    /// <summary>Takes the row unless a newer one of the same shard is held; true when it was new to this key.</summary>
    public bool Apply(string shard, TKey key, long[] values, long seq)
    {
        _newest[shard] = Math.Max(_newest.GetValueOrDefault(shard, -1), seq);
        if (!_rows.TryGetValue(key, out var shards)) _rows[key] = shards = new List<ShardValues>(2);
        foreach (var held in shards)
        {
            if (held.Shard != shard) continue;
            if (held.Seq < seq)
            {
                held.Values = values;
                held.Seq = seq;
            }
            return false;
        }
        shards.Add(new ShardValues(shard, values, seq));
        return true;
    }

    /// <summary>The newest batch sequence of <paramref name="shard"/> this holder has seen; -1 when none.</summary>
    public long Newest(string shard) => _newest.GetValueOrDefault(shard, -1);

    /// <summary>Notes that everything of <paramref name="shard"/> up to <paramref name="seq"/> is held.</summary>
    public void HeldUpTo(string shard, long seq) => _newest[shard] = Math.Max(Newest(shard), seq);

    /// <summary>Adds the key's values, summed over shards, into <paramref name="sum"/>; false when the key is not held.</summary>
    public bool AddTo(TKey key, long[] sum)
    {
        if (!_rows.TryGetValue(key, out var shards)) return false;
        foreach (var held in shards)
            for (var i = 0; i < sum.Length; i++) sum[i] += held.Values[i];
        return true;
    }
}
