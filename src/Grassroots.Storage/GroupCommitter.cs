using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using Grassroots.Runtime;
using Grassroots.Storage.Batching;
using Microsoft.Extensions.Logging;

namespace Grassroots.Storage;

/// <summary>Told, after each commit and before any writer is acknowledged, the new values of incremented rows.</summary>
public interface ICommitListener
{
    void OnCommitted(IReadOnlyList<IncrementedRow> rows);
}

/// <summary>
/// Gathers the writes of many grains into one transaction. A writer's task completes only after its batch
/// has committed. Batches run one at a time per process, so each carries a sequence number higher than all
/// committed before it (readers of other shards rely on that). A version conflict or a rejected row fails
/// only its own unit (such a batch is written again by the locking path, or unit by unit in savepoints);
/// a database outage fails the waiting units with <see cref="StorageUnavailableException"/>
/// and the next batch reconnects.
/// </summary>
public sealed class GroupCommitter : IAsyncDisposable
{
    private static readonly Table Shards = new("shards", ["shard"], ["seq"]);

    private readonly Database _database;
    private readonly ILogger _logger;
    private readonly BatchWriter _writer;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<ICommitListener> _listeners = [];
    private readonly Task _loop;
    private DbConnection? _connection;
    private long _seq = -1;
    private int _lastBatchSize;

    public GroupCommitter(Database database, ILogger<GroupCommitter> logger)
    {
        _database = database;
        _logger = logger;
        _writer = new BatchWriter(database);
        _loop = Task.Run(RunAsync);
    }

    public string Shard => _database.Options.Shard;

    /// <summary>Number of transactions committed so far (for tests and metrics).</summary>
    public long CommittedBatches { get; private set; }

    public void AddListener(ICommitListener listener)
    {
        lock (_listeners) _listeners.Add(listener);
    }

    /// <summary>Queues <paramref name="unit"/> for the next batch; completes when that batch has committed.</summary>
    public Task<CommitReceipt> CommitAsync(WriteUnit unit)
    {
        var pending = new Pending(unit);
        if (!_queue.Writer.TryWrite(pending))
            throw new StorageUnavailableException("The storage writer is shutting down.");
        return pending.Completion.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>();
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var max = _database.Options.MaxBatchSize;
            while (batch.Count < max && reader.TryRead(out var item)) batch.Add(item);
            // Writers were busy last time: give those about to come back a moment to join this batch.
            if (batch.Count < max && batch.Count < _lastBatchSize && _database.Options.MaxBatchDelay > TimeSpan.Zero)
            {
                var deadline = Stopwatch.GetTimestamp() + (long)(_database.Options.MaxBatchDelay.TotalSeconds * Stopwatch.Frequency);
                while (batch.Count < Math.Min(max, _lastBatchSize) && Stopwatch.GetTimestamp() < deadline)
                {
                    if (reader.TryRead(out var more)) batch.Add(more);
                    else await Task.Yield();
                }
            }
            _lastBatchSize = batch.Count;
            await ExecuteAsync(batch).ConfigureAwait(false);
            batch.Clear();
        }
    }

    private async Task ExecuteAsync(List<Pending> batch)
    {
        using var span = RuntimeTelemetry.Source.StartActivity("storage batch");
        span?.SetTag("batch.size", batch.Count);
        var started = Stopwatch.GetTimestamp();
        var units = batch.Select(p => p.Unit).ToList();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (errors, rows, seq) = await WriteBatchAsync(units, isolate: false).ConfigureAwait(false);
                Complete(batch, errors, rows, seq);
                StorageTelemetry.Record(batch.Count, Stopwatch.GetElapsedTime(started));
                return;
            }
            catch (Exception error) when (_database.IsDataError(error))
            {
                // Some unit's rows were refused; write each unit in its own savepoint to find which.
                _logger.LogInformation(error, "Batch of {Count} refused; retrying unit by unit", batch.Count);
                try
                {
                    var (errors, rows, seq) = await WriteBatchAsync(units, isolate: true).ConfigureAwait(false);
                    Complete(batch, errors, rows, seq);
                    return;
                }
                catch (Exception inner)
                {
                    await FailAsync(batch, inner).ConfigureAwait(false);
                    return;
                }
            }
            catch (Exception error) when (_database.IsRetryable(error) && attempt < 5)
            {
                _logger.LogInformation(error, "Batch attempt {Attempt} hit a transient error; retrying", attempt);
            }
            catch (Exception error)
            {
                await FailAsync(batch, error).ConfigureAwait(false);
                return;
            }
        }
    }

    private async Task<(Exception?[] Errors, List<IncrementedRow> Rows, long Seq)> WriteBatchAsync(List<WriteUnit> units, bool isolate)
    {
        var connection = await ConnectionAsync().ConfigureAwait(false);
        if (_seq < 0) _seq = await ReadSeqAsync(connection).ConfigureAwait(false);
        var seq = _seq + 1;
        Upsert[] shardRow = [new Upsert(Shards, [Shard], [seq])];
        if (!isolate)
        {
            await using var attempt = await _database.BeginWriteAsync(connection).ConfigureAwait(false);
            try
            {
                var written = await _writer.TryWriteOptimisticAsync(connection, attempt, units, seq, shardRow, default).ConfigureAwait(false);
                if (written is not null)
                {
                    await attempt.CommitAsync().ConfigureAwait(false);
                    _seq = seq;
                    CommittedBatches++;
                    return (new Exception?[units.Count], written, seq);
                }
                await attempt.RollbackAsync().ConfigureAwait(false);
            }
            catch
            {
                await SafeRollbackAsync(attempt).ConfigureAwait(false);
                throw;
            }
        }

        // Some unit expected another version: lock and read every version, then write only the units that hold.
        await using var tx = await _database.BeginWriteAsync(connection).ConfigureAwait(false);
        try
        {
            Exception?[] errors;
            List<IncrementedRow> rows;
            if (!isolate)
            {
                (errors, rows) = await _writer.WriteAsync(connection, tx, units, seq, shardRow, default).ConfigureAwait(false);
            }
            else
            {
                errors = new Exception?[units.Count];
                rows = [];
                await _writer.WriteAsync(connection, tx, [], seq, shardRow, default).ConfigureAwait(false);
                for (var i = 0; i < units.Count; i++)
                {
                    await tx.SaveAsync("unit").ConfigureAwait(false);
                    try
                    {
                        var outcome = await _writer.WriteAsync(connection, tx, [units[i]], seq, [], default).ConfigureAwait(false);
                        errors[i] = outcome.Errors[0];
                        rows.AddRange(outcome.Increments);
                        await tx.ReleaseAsync("unit").ConfigureAwait(false);
                    }
                    catch (Exception error) when (_database.IsDataError(error))
                    {
                        await tx.RollbackAsync("unit").ConfigureAwait(false);
                        errors[i] = _database.IsUniqueViolation(error)
                            ? new Grassroots.Runtime.Persistence.InconsistentStateException($"Another writer created the same row first: {error.Message}")
                            : new WriteRejectedException($"The database refused this write: {error.Message}", error);
                    }
                }
            }
            await tx.CommitAsync().ConfigureAwait(false);
            _seq = seq;
            CommittedBatches++;
            return (errors, rows, seq);
        }
        catch
        {
            await SafeRollbackAsync(tx).ConfigureAwait(false);
            throw;
        }
    }

    private async Task<DbConnection> ConnectionAsync()
    {
        if (_connection is { State: System.Data.ConnectionState.Open }) return _connection;
        await DropConnectionAsync().ConfigureAwait(false);
        return _connection = await _database.OpenAsync().ConfigureAwait(false);
    }

    private async Task<long> ReadSeqAsync(DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        new Statement().Sql("SELECT seq FROM shards WHERE shard = ").Param(Shard).Bind(command);
        var value = await command.ExecuteScalarAsync().ConfigureAwait(false);
        return value is null or DBNull ? 0 : Convert.ToInt64(value);
    }

    private static async Task SafeRollbackAsync(DbTransaction tx)
    {
        try
        {
            await tx.RollbackAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The connection is gone; the transaction went with it.
        }
    }

    private async Task DropConnectionAsync()
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

    private void Complete(List<Pending> batch, Exception?[] errors, List<IncrementedRow> rows, long seq)
    {
        if (rows.Count > 0)
        {
            ICommitListener[] listeners;
            lock (_listeners) listeners = [.. _listeners];
            foreach (var listener in listeners)
            {
                try
                {
                    listener.OnCommitted(rows);
                }
                catch (Exception error)
                {
                    _logger.LogError(error, "A commit listener failed");
                }
            }
        }
        var receipt = new CommitReceipt(seq, batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (errors[i] is { } error) batch[i].Completion.TrySetException(error);
            else batch[i].Completion.TrySetResult(receipt);
        }
    }

    private async Task FailAsync(List<Pending> batch, Exception error)
    {
        _logger.LogWarning(error, "Batch of {Count} failed; the database may be unavailable", batch.Count);
        // Dropped before the next batch runs, so that one cannot pick up the connection while it is being disposed.
        await DropConnectionAsync().ConfigureAwait(false);
        // The commit may have reached the database before the connection broke: re-read the sequence so it never repeats.
        _seq = -1;
        var failure = error as StorageUnavailableException
            ?? new StorageUnavailableException($"The database is unavailable; nothing in this batch was stored. ({error.Message})", error);
        foreach (var pending in batch) pending.Completion.TrySetException(failure);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        await DropConnectionAsync().ConfigureAwait(false);
    }

    private sealed class Pending(WriteUnit unit)
    {
        public WriteUnit Unit { get; } = unit;
        public TaskCompletionSource<CommitReceipt> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
