using System.Collections.Concurrent;
using System.Data.Common;
using Grassroots.Domain.Grains;
using Grassroots.Domain.Persistence;
using Grassroots.Runtime;
using Grassroots.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Grassroots.Domain.Rollups;

/// <summary>
/// Keeps the active region rollup grains current: this process's committed rows are pushed the moment their
/// batch commits (before any writer is acknowledged), and every <see cref="PollInterval"/> the rows other
/// shards committed since last time are read and pushed.
/// </summary>
public sealed class RollupFeed(IGrainFactory grains, Database database, GroupCommitter committer, ILogger<RollupFeed> logger)
    : BackgroundService, ICommitListener
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<string, byte> _subscribed = new();
    private readonly Dictionary<string, long> _seen = [];

    public void Subscribe(string regionCode) => _subscribed[regionCode] = 0;

    public void Unsubscribe(string regionCode) => _subscribed.TryRemove(regionCode, out _);

    public void OnCommitted(IReadOnlyList<IncrementedRow> rows) =>
        Push(rows.Where(r => r.Table == Tables.RegionRollups)
            .Select(r => new RollupRow((string)r.Key[0]!, (string)r.Key[1]!, (string)r.Key[2]!, Reading.ToDate(r.Key[3]), r.Values, r.Seq)));

    private void Push(IEnumerable<RollupRow> rows)
    {
        foreach (var region in rows.GroupBy(r => r.RegionCode))
        {
            if (!_subscribed.ContainsKey(region.Key)) continue;
            var task = grains.Get<IRegionRollupGrain>(region.Key).ApplyAsync([.. region]);
            _ = task.ContinueWith(t => logger.LogWarning(t.Exception, "Pushing rollups to {Region} failed", region.Key),
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        committer.AddListener(this);
        using var timer = new PeriodicTimer(PollInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                await PollOtherShardsAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is DbException or StorageUnavailableException or TimeoutException)
            {
                logger.LogWarning(error, "Reading other shards' rollups failed; will retry");
            }
        }
    }

    /// <summary>Reads rows other shards committed since last seen; a shard's batches commit in sequence order.</summary>
    public async Task PollOtherShardsAsync(CancellationToken cancellationToken = default)
    {
        var shards = await database.QueryAsync("SELECT shard, seq FROM shards WHERE shard <> $1", [committer.Shard],
            r => (Shard: r.GetString(0), Seq: r.Long(1)), cancellationToken).ConfigureAwait(false);
        foreach (var (shard, seq) in shards)
        {
            var seen = _seen.GetValueOrDefault(shard, -1);
            if (seq <= seen) continue;
            if (seen < 0 && _subscribed.IsEmpty)
            {
                _seen[shard] = seq; // nothing held in memory yet: grains load everything when they activate
                continue;
            }
            var t = Tables.RegionRollups;
            var rows = await database.QueryAsync(
                $"SELECT {t.ColumnList}, seq FROM {t.Name} WHERE shard = $1 AND seq > $2",
                [shard, seen], ReadRow, cancellationToken).ConfigureAwait(false);
            Push(rows);
            _seen[shard] = Math.Max(seq, rows.Count == 0 ? seen : rows.Max(r => r.Seq));
        }
    }

    public static RollupRow ReadRow(DbDataReader r)
    {
        var values = new long[Tables.RegionRollups.Values.Length];
        for (var i = 0; i < values.Length; i++) values[i] = r.Long(4 + i);
        return new RollupRow(r.GetString(0), r.GetString(1), r.GetString(2), r.Date(3), values, r.Long(4 + values.Length));
    }
}
