using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using Grassroots.Storage.Batching;
using Microsoft.Extensions.Logging;

namespace Grassroots.Storage;

/// <summary>
/// Told, after each commit, the new values of the rows it incremented. The batch's writers are acknowledged when the
/// returned task completes, or after <see cref="StorageOptions.AcknowledgeWait"/> at the latest: what was committed
/// stays committed whatever a listener does.
/// </summary>
public interface ICommitListener
{
    Task OnCommittedAsync(IReadOnlyList<IncrementedRow> rows, long seq);
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
    private readonly ShardLease? _lease;
    private DbConnection? _connection;
    private long _seq = -1;
    private int _lastBatchSize;
    private int _acknowledging;

    /// <param name="lease">When given, no batch is written while this process does not hold its shard.</param>
    public GroupCommitter(Database database, ILogger<GroupCommitter> logger, ShardLease? lease = null)
    {
        _database = database;
        _logger = logger;
        _lease = lease;
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
        using var span = StartSpan(batch);
        var started = Stopwatch.GetTimestamp();
        var units = batch.Select(p => p.Unit).ToList();
        if (_lease is { IsHeld: false })
        {
            await FailAsync(batch, new StorageUnavailableException(
                $"This silo does not hold its writer shard '{Shard}' right now (the database is away, or another process took the shard)."))
                .ConfigureAwait(false);
            return;
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Complete(batch, await WriteBatchAsync(units).ConfigureAwait(false));
                StorageTelemetry.Record(batch.Count, Stopwatch.GetElapsedTime(started));
                return;
            }
            catch (Exception error) when (_database.IsDataError(error))
            {
                // Some unit's rows were refused; write each unit in its own savepoint to find which.
                _logger.LogInformation(error, "Batch of {Count} refused; retrying unit by unit", batch.Count);
                try
                {
                    Complete(batch, await WriteUnitByUnitAsync(units).ConfigureAwait(false));
                    StorageTelemetry.Record(batch.Count, Stopwatch.GetElapsedTime(started));
                }
                catch (Exception inner)
                {
                    await FailAsync(batch, inner).ConfigureAwait(false);
                }
                return;
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

    /// <summary>
    /// Optimistically in one round trip; when some unit expected another version, again after locking and
    /// reading every expected version, writing only the units that hold.
    /// </summary>
    private async Task<(BatchWriter.Outcome Outcome, long Seq)> WriteBatchAsync(List<WriteUnit> units)
    {
        var (connection, seq, shardRow) = await PrepareAsync().ConfigureAwait(false);
        var outcome = await InTransactionAsync(connection, seq, async tx =>
                await _writer.TryWriteOptimisticAsync(connection, tx, units, seq, shardRow, default).ConfigureAwait(false) is { } rows
                    ? new BatchWriter.Outcome(new Exception?[units.Count], rows)
                    : null).ConfigureAwait(false)
            ?? await InTransactionAsync(connection, seq, async tx =>
                await _writer.WriteAsync(connection, tx, units, seq, shardRow, default).ConfigureAwait(false)).ConfigureAwait(false);
        return (outcome!, seq);
    }

    /// <summary>Each unit in its own savepoint, so a unit the database refuses fails alone.</summary>
    private async Task<(BatchWriter.Outcome Outcome, long Seq)> WriteUnitByUnitAsync(List<WriteUnit> units)
    {
        var (connection, seq, shardRow) = await PrepareAsync().ConfigureAwait(false);
        var outcome = await InTransactionAsync(connection, seq, async tx =>
        {
            var errors = new Exception?[units.Count];
            var rows = new List<IncrementedRow>();
            await _writer.WriteAsync(connection, tx, [], seq, shardRow, default).ConfigureAwait(false);
            for (var i = 0; i < units.Count; i++)
            {
                await tx.SaveAsync("unit").ConfigureAwait(false);
                try
                {
                    var one = await _writer.WriteAsync(connection, tx, [units[i]], seq, [], default).ConfigureAwait(false);
                    errors[i] = one.Errors[0];
                    rows.AddRange(one.Increments);
                    await tx.ReleaseAsync("unit").ConfigureAwait(false);
                }
                catch (Exception error) when (_database.IsDataError(error))
                {
                    await tx.RollbackAsync("unit").ConfigureAwait(false);
                    errors[i] = _database.IsUniqueViolation(error)
                        ? new VersionConflictException($"Another writer created the same row first: {error.Message}")
                        : new WriteRejectedException($"The database refused this write: {error.Message}", error);
                }
            }
            return new BatchWriter.Outcome(errors, rows);
        }).ConfigureAwait(false);
        return (outcome!, seq);
    }

    /// <summary>The connection, the next batch sequence number and the shards row that records it.</summary>
    private async Task<(DbConnection Connection, long Seq, Upsert[] ShardRow)> PrepareAsync()
    {
        var connection = await ConnectionAsync().ConfigureAwait(false);
        if (_seq < 0) _seq = await ReadSeqAsync(connection).ConfigureAwait(false);
        var seq = _seq + 1;
        return (connection, seq, [new Upsert(Shards, [Shard], [seq])]);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction: commits and counts the batch as <paramref name="seq"/>
    /// when it returns an outcome; rolls back when it returns null or throws.
    /// </summary>
    private async Task<BatchWriter.Outcome?> InTransactionAsync(DbConnection connection, long seq,
        Func<DbTransaction, Task<BatchWriter.Outcome?>> work)
    {
        await using var tx = await _database.BeginWriteAsync(connection).ConfigureAwait(false);
        try
        {
            var outcome = await work(tx).ConfigureAwait(false);
            if (outcome is null)
            {
                await tx.RollbackAsync().ConfigureAwait(false);
                return null;
            }
            await tx.CommitAsync().ConfigureAwait(false);
            _seq = seq;
            CommittedBatches++;
            return outcome;
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

    /// <summary>
    /// Tells the listeners what the batch committed, then acknowledges its writers once they are done (or the wait is
    /// over), without holding up the next batch.
    /// </summary>
    private void Complete(List<Pending> batch, (BatchWriter.Outcome Outcome, long Seq) written)
    {
        var ((errors, rows), seq) = written;
        ICommitListener[] listeners;
        lock (_listeners) listeners = [.. _listeners];
        var told = rows.Count == 0 || listeners.Length == 0
            ? Task.CompletedTask
            : Task.WhenAll(listeners.Select(listener => Tell(listener, rows, seq)));
        var receipt = new CommitReceipt(seq, batch.Count);
        var pending = batch.ToArray();
        Interlocked.Increment(ref _acknowledging);
        _ = told.WaitAsync(_database.Options.AcknowledgeWait).ContinueWith(_ =>
        {
            for (var i = 0; i < pending.Length; i++)
            {
                if (errors[i] is { } error) pending[i].Completion.TrySetException(error);
                else pending[i].Completion.TrySetResult(receipt);
            }
            Interlocked.Decrement(ref _acknowledging);
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task Tell(ICommitListener listener, IReadOnlyList<IncrementedRow> rows, long seq)
    {
        try
        {
            await listener.OnCommittedAsync(rows, seq).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            _logger.LogError(error, "A commit listener failed on batch {Seq}", seq);
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

    /// <summary>Writes what is queued, waits until its writers are acknowledged, and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        while (Volatile.Read(ref _acknowledging) > 0) await Task.Delay(10).ConfigureAwait(false);
        await DropConnectionAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// One span per batch, a child of the first traced unit's span and linked to every unit's, so a request's trace
    /// shows the batch that committed it and a batch shows every request it served.
    /// </summary>
    private static Activity? StartSpan(List<Pending> batch)
    {
        if (!GrassrootsTelemetry.Source.HasListeners()) return null;
        var parent = batch.Select(p => p.Origin).FirstOrDefault(o => o != default);
        var links = batch.Where(p => p.Origin != default).Select(p => new ActivityLink(p.Origin)).ToList();
        var span = GrassrootsTelemetry.Source.StartActivity("storage batch", ActivityKind.Internal, parent, links: links);
        span?.SetTag("batch.size", batch.Count);
        return span;
    }

    private sealed class Pending(WriteUnit unit)
    {
        public WriteUnit Unit { get; } = unit;

        /// <summary>The span of the code that queued the unit, so the batch's span can be traced back to its requests.</summary>
        public ActivityContext Origin { get; } = Activity.Current?.Context ?? default;
        public TaskCompletionSource<CommitReceipt> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
