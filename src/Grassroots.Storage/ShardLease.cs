using Medallion.Threading.Postgres;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Registry;

namespace Grassroots.Storage;

/// <summary>
/// Makes sure no two running processes write as the same shard (docs/architecture.md, "Rollups" and "The cluster"): rollup rows are keyed by shard, so
/// two writers of one shard would overwrite each other's sums. A silo writes through <see cref="StorageOptions.Writers"/>
/// lanes, each its own shard (<see cref="StorageOptions.LaneShards"/>), and holds a lease on each:
/// <list type="bullet">
/// <item>PostgreSQL: a session advisory lock per shard (DistributedLock.Postgres, on a connection of its own, released by
/// the server when the process dies). Taking it raises the shard's epoch in the shards table, and every batch sets its
/// shard's sequence number only at the epoch its lane holds (<c>grassroots_fence</c>): a silo that lost its lease —
/// even with a batch already on its way — cannot commit once another has taken the shard.</item>
/// <item>SQLite, which serves one process: an exclusive lock on a file beside the database.</item>
/// </list>
/// Taken at start (a second process fails to start, saying why). When a lock's connection is lost the lease is taken
/// again, at a new epoch, as soon as the database is back; no batch of that shard is written in between.
/// </summary>
/// <param name="pipelines">Where <see cref="Retries.ShardWaitPipeline"/> is registered; without it, one of its own.</param>
public sealed class ShardLease(Database database, ILogger<ShardLease> logger, ResiliencePipelineProvider<string>? pipelines = null) : BackgroundService
{
    private readonly StorageOptions options = database.Options;
    private readonly ResiliencePipeline _wait = Retries.Pipeline(pipelines, Retries.ShardWaitPipeline, Retries.ConfigureShardWait);

    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a starting silo waits for its shards: a silo restarted right after it was killed finds its old locks held
    /// until PostgreSQL notices the old connections are gone (within a second or two).
    /// </summary>
    public static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(10);

    private readonly Dictionary<string, Held> _held = [];
    private readonly Lock _gate = new();
    private FileStream? _file;

    private sealed record Held(long Epoch, IAsyncDisposable? Handle, CancellationToken Lost);

    /// <summary>The epoch at which this process holds <paramref name="shard"/>; false while it does not hold it.</summary>
    public bool TryGetEpoch(string shard, out long epoch)
    {
        lock (_gate)
        {
            if (_held.TryGetValue(shard, out var held) && !held.Lost.IsCancellationRequested)
            {
                epoch = held.Epoch;
                return true;
            }
        }
        epoch = 0;
        return false;
    }

    /// <summary>Whether every lane's shard is held: the silo can write.</summary>
    public bool HoldsAll => options.LaneShards().All(shard => TryGetEpoch(shard, out _));

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Provider != StorageProvider.Postgres && !TryLockFile())
            throw new InvalidOperationException(
                $"Another process already serves the SQLite database {DatabaseFile()}. Stop it, or use another Storage:DataDirectory.");
        var deadline = DateTime.UtcNow + StartPatience;
        foreach (var shard in options.LaneShards())
        {
            // Tried again every quarter of RetryInterval while another process holds it (Retries.ConfigureShardWait).
            if (!await Retries.RunUntilAsync(_wait, static (s, token) => new ValueTask<bool>(s.Lease.TryTakeAtStartAsync(s.Shard, token)),
                    (Lease: this, Shard: shard), deadline, "writer-shard:" + shard, cancellationToken).ConfigureAwait(false))
                throw new InvalidOperationException(
                    $"Another running silo already writes as shard '{shard}'. Give every silo its own Storage:Shard.");
        }
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Provider != StorageProvider.Postgres) return; // a file lock cannot be lost while the process lives
        using var timer = new PeriodicTimer(RetryInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            foreach (var shard in options.LaneShards())
            {
                if (TryGetEpoch(shard, out _)) continue;
                try
                {
                    if (await TryTakeAsync(shard, stoppingToken).ConfigureAwait(false))
                        logger.LogInformation("Writer shard {Shard} is held again", shard);
                    else
                        logger.LogError("Writer shard {Shard} is held by another process; this silo cannot write it", shard);
                }
                catch (Exception error) when (StorageFailures.IsUnavailable(error))
                {
                    logger.LogDebug(error, "Database still unavailable; writer shard {Shard} not held", shard);
                }
            }
        }
    }

    private async Task<bool> TryTakeAtStartAsync(string shard, CancellationToken cancellationToken)
    {
        if (await TryTakeAsync(shard, cancellationToken).ConfigureAwait(false)) return true;
        logger.LogInformation("Writer shard {Shard} is held by another process; waiting for it", shard);
        return false;
    }

    private async Task<bool> TryTakeAsync(string shard, CancellationToken cancellationToken)
    {
        IAsyncDisposable? handle = null;
        var lost = CancellationToken.None;
        if (options.Provider == StorageProvider.Postgres)
        {
            var @lock = new PostgresDistributedLock(new PostgresAdvisoryLockKey("grassroots-shard:" + shard, allowHashing: true),
                LockConnectionString(), o => o.UseMultiplexing(false));
            var taken = await @lock.TryAcquireAsync(TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
            if (taken is null) return false;
            handle = taken;
            lost = taken.HandleLostToken;
            lost.Register(() => logger.LogWarning("Lost the connection that holds writer shard {Shard}; its writes pause until it is taken again", shard));
        }
        try
        {
            var epoch = await RaiseEpochAsync(shard, cancellationToken).ConfigureAwait(false);
            Held? previous;
            lock (_gate)
            {
                _held.TryGetValue(shard, out previous);
                _held[shard] = new Held(epoch, handle, lost);
            }
            if (previous?.Handle is { } old) await DisposeQuietlyAsync(old).ConfigureAwait(false);
            return true;
        }
        catch
        {
            if (handle is not null) await DisposeQuietlyAsync(handle).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// The lock's connection runs a long sleep to notice when it is lost (that is how the library watches a held lock).
    /// A server busy with a query does not look at its client's socket, so after a kill -9 it would hold the lock until
    /// the sleep ends; checking the socket every second frees the shard for the silo's restart at once.
    /// </summary>
    private string LockConnectionString()
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(options.ResolveConnectionString());
        builder.Options = $"{builder.Options} -c client_connection_check_interval=1000".Trim();
        return builder.ConnectionString;
    }

    /// <summary>Creates the shard's row at epoch 1 or raises its epoch; batches of an earlier epoch no longer commit.</summary>
    private async Task<long> RaiseEpochAsync(string shard, CancellationToken cancellationToken)
    {
        var epochs = await database.QueryAsync(
            "INSERT INTO shards (shard, seq, epoch) VALUES ($1, 0, 1) ON CONFLICT (shard) DO UPDATE SET epoch = shards.epoch + 1 RETURNING epoch",
            [shard], r => r.Long(0), cancellationToken).ConfigureAwait(false);
        return epochs[0];
    }

    private bool TryLockFile()
    {
        try
        {
            var fileOptions = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            _file = new FileStream(DatabaseFile() + ".lease", fileOptions);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private string DatabaseFile() => Path.GetFullPath(new SqliteConnectionStringBuilder(options.ResolveConnectionString()).DataSource);

    private static async Task DisposeQuietlyAsync(IAsyncDisposable handle)
    {
        try
        {
            await handle.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The connection is already gone, and the lock with it.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        List<Held> held;
        lock (_gate)
        {
            held = [.. _held.Values];
            _held.Clear();
        }
        foreach (var h in held.Where(h => h.Handle is not null)) await DisposeQuietlyAsync(h.Handle!).ConfigureAwait(false);
        _file?.Dispose();
        _file = null;
    }
}
