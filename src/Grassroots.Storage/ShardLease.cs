using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Grassroots.Storage;

/// <summary>
/// Makes sure no two running processes write as the same shard (DESIGN.md §3): rollup rows are keyed by shard, so two
/// writers of one shard would overwrite each other's sums. On PostgreSQL the lease is a session advisory lock on a
/// connection of its own, released by the server when the process dies; on SQLite, which serves one process only, an
/// exclusive lock on a file beside the database. Taken at start (a second process fails to start, saying why), watched
/// while running: when the connection breaks the lease is taken again as soon as the database is back, and no batch is
/// written in between.
/// </summary>
public sealed class ShardLease(StorageOptions options, ILogger<ShardLease> logger) : BackgroundService
{
    public static readonly TimeSpan WatchInterval = TimeSpan.FromSeconds(1);

    private NpgsqlConnection? _connection;
    private FileStream? _file;
    private volatile bool _held;

    public bool IsHeld => _held;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!await TryTakeAsync(cancellationToken).ConfigureAwait(false))
            throw new InvalidOperationException(options.Provider == StorageProvider.Postgres
                ? $"Another running silo already writes as shard '{options.Shard}'. Give every silo its own Storage:Shard."
                : $"Another process already serves the SQLite database {DatabaseFile()}. Stop it, or use another Storage:DataDirectory.");
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_file is not null) return; // a file lock cannot be lost while the process lives
        using var timer = new PeriodicTimer(WatchInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            if (_held && await IsAliveAsync(stoppingToken).ConfigureAwait(false)) continue;
            if (_held) logger.LogWarning("Lost the connection that holds writer shard {Shard}; writes pause until it is taken again", options.Shard);
            _held = false;
            try
            {
                if (await TryTakeAsync(stoppingToken).ConfigureAwait(false))
                    logger.LogInformation("Writer shard {Shard} is held again", options.Shard);
                else
                    logger.LogError("Writer shard {Shard} is held by another process; this silo cannot write", options.Shard);
            }
            catch (Exception error) when (StorageFailures.IsUnavailable(error))
            {
                logger.LogDebug(error, "Database still unavailable; writer shard {Shard} not held", options.Shard);
            }
        }
    }

    private async Task<bool> TryTakeAsync(CancellationToken cancellationToken)
    {
        if (options.Provider != StorageProvider.Postgres) return _held = TryLockFile();
        await DropAsync().ConfigureAwait(false);
        // A pooled connection would hand the session lock to whoever uses it next.
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(options.ResolveConnectionString()) { Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var take = new NpgsqlCommand("SELECT pg_try_advisory_lock($1)", connection) { Parameters = { new() { Value = LockKey() } } };
        if (await take.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
        {
            _connection = connection;
            return _held = true;
        }
        await connection.DisposeAsync().ConfigureAwait(false);
        return _held = false;
    }

    private async Task<bool> IsAliveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var ping = new NpgsqlCommand("SELECT 1", _connection);
            await ping.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception error) when (error is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return false;
        }
    }

    private bool TryLockFile()
    {
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            _file = new FileStream(DatabaseFile() + ".lease", options);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private string DatabaseFile() => Path.GetFullPath(new SqliteConnectionStringBuilder(options.ResolveConnectionString()).DataSource);

    /// <summary>The advisory lock key: the shard name hashed into the 64-bit key space, prefixed so it is ours.</summary>
    private long LockKey() => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("grassroots-shard:" + options.Shard)));

    private async Task DropAsync()
    {
        if (_connection is null) return;
        try
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Already broken.
        }
        _connection = null;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        _held = false;
        await DropAsync().ConfigureAwait(false);
        _file?.Dispose();
        _file = null;
    }
}
