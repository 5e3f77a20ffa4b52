using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Registry;

namespace Grassroots.Storage;

/// <summary>
/// Gathers the writes of many grains into few transactions. A writer's task completes when its batch has committed,
/// with the batch's <see cref="CommittedBatch"/>: what it added to the rollup rows, which the caller passes on to the
/// grains that hold them (storage never calls up into the domain). Batches go through <see cref="StorageOptions.Writers"/>
/// lanes, each a connection and a writer shard of its own; a lane writes one batch at a time, so each of its batches
/// carries a sequence number one higher than its last. Lanes write side by side only batches of at least
/// <see cref="StorageOptions.ConcurrentBatchMin"/> units; smaller ones take turns. A unit whose owner does not hold, or whose rows the database
/// refuses, fails alone; a database outage fails the waiting units with <see cref="StorageUnavailableException"/> and
/// the next batch reconnects.
/// </summary>
public sealed class GroupCommitter : IAsyncDisposable
{
    private readonly Database _database;
    private readonly ILogger _logger;
    private readonly ShardLease? _lease;
    private readonly BatchWriter _writer;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Lane[] _lanes;
    private readonly Task[] _loops;
    private readonly SemaphoreSlim _smallBatchTurn = new(1, 1);
    private readonly ResiliencePipeline _transientRetry;

    /// <param name="lease">When given, no batch of a shard is written while this process does not hold it.</param>
    /// <param name="stages">The steps batches take for <see cref="StagedWrite"/>s, one stage per table; needed by units that carry them.</param>
    /// <param name="pipelines">Where <see cref="Retries.TransientPipeline"/> is registered; without it, one of its own.</param>
    public GroupCommitter(Database database, ILogger<GroupCommitter> logger, ShardLease? lease = null, IEnumerable<IBatchStage>? stages = null,
        ResiliencePipelineProvider<string>? pipelines = null)
    {
        IBatchStage[] staging = [.. stages ?? []];
        if (staging.GroupBy(s => s.Table).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ArgumentException($"More than one stage takes the staged writes of {twice.Key}.", nameof(stages));
        _database = database;
        _transientRetry = Retries.Pipeline(pipelines, Retries.TransientPipeline, builder => Retries.ConfigureTransient(builder, database));
        _logger = logger;
        _lease = lease;
        _writer = new BatchWriter(database, staging);
        _lanes = [.. database.Options.LaneShards().Select(shard => new Lane(shard))];
        _loops = [.. _lanes.Select(lane => Task.Run(() => RunAsync(lane)))];
    }

    /// <summary>The shard of the first lane: the silo's own name.</summary>
    public string Shard => _lanes[0].Shard;

    /// <summary>Number of transactions committed so far (for tests and metrics).</summary>
    public long CommittedBatches => _lanes.Sum(l => Volatile.Read(ref l.Committed));

    /// <summary>Batches being written right now, one at most per lane.</summary>
    public int BatchesWriting => _lanes.Count(l => Volatile.Read(ref l.Writing) != 0);

    /// <summary>Queues <paramref name="unit"/> for the next batch; completes when that batch has committed.</summary>
    public Task<CommittedBatch> CommitAsync(WriteUnit unit)
    {
        var pending = new Pending([unit], bulk: false);
        Enqueue(pending);
        return pending.Single;
    }

    /// <summary>
    /// Commits many independent units, each with an owner row of its own, as one batch of their own (an import's chunk):
    /// one outcome per unit, null where it was written, and the batch (null when nothing was). Fails as a whole only when
    /// the database is unavailable.
    /// </summary>
    public async Task<BulkOutcome> CommitAllAsync(IReadOnlyList<WriteUnit> units)
    {
        if (units.Count == 0) return new BulkOutcome(null, []);
        var owners = new HashSet<(Table, object?[])>(units.Count, MadeKeyComparer.Instance);
        foreach (var unit in units)
            if (unit.Owner is VersionedPut owner && !owners.Add((owner.Table, owner.Key)))
                throw new ArgumentException("Units committed together must not share an owner row.", nameof(units));
        var pending = new Pending(units, bulk: true);
        Enqueue(pending);
        return await pending.All.ConfigureAwait(false);
    }

    private void Enqueue(Pending pending)
    {
        if (!_queue.Writer.TryWrite(pending)) throw new StorageUnavailableException("The storage writer is shutting down.");
    }

    private async Task RunAsync(Lane lane)
    {
        var batch = new List<Pending>();
        var deferred = new Queue<Pending>();
        var reader = _queue.Reader;
        while (deferred.Count > 0 || await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            var units = await CollectAsync(lane, batch, deferred, reader, wait: true).ConfigureAwait(false);
            if (batch.Count == 0) continue;
            if (units >= _database.Options.ConcurrentBatchMin || _lanes.Length == 1)
            {
                await ExecuteAsync(lane, batch).ConfigureAwait(false);
            }
            else
            {
                // A small batch takes the turn that small batches share: while another lane commits one, this lane waits
                // and then takes what queued meanwhile too. So a silo whose writes are few commits one transaction at a
                // time, each carrying all that waited (three silos' lanes each writing batches of one or two units cost
                // PostgreSQL and the silos a transaction per write), and the lanes write side by side only when the queue
                // holds enough for each (docs/benchmarks.md, issue 24).
                await _smallBatchTurn.WaitAsync().ConfigureAwait(false);
                try
                {
                    await CollectAsync(lane, batch, deferred, reader, wait: false).ConfigureAwait(false);
                    await ExecuteAsync(lane, batch).ConfigureAwait(false);
                }
                finally
                {
                    _smallBatchTurn.Release();
                }
            }
            batch.Clear();
        }
    }

    /// <summary>
    /// Takes what is queued, up to the batch size, waiting up to <see cref="StorageOptions.MaxBatchDelay"/> for writers
    /// about to come back when the last batch was bigger. A bulk unit set goes alone. A unit whose owner row is already in
    /// the batch waits for the next one, so no statement writes a row twice.
    /// </summary>
    private async Task<int> CollectAsync(Lane lane, List<Pending> batch, Queue<Pending> deferred, ChannelReader<Pending> reader, bool wait)
    {
        var max = _database.Options.MaxBatchSize;
        var owners = new HashSet<(Table, object?[])>(MadeKeyComparer.Instance);
        var units = 0;
        foreach (var taken in batch)
        {
            if (taken.IsBulk) return max;
            if (taken.Units[0].Owner is { } owner) owners.Add((owner.Table, owner.Key));
            units++;
        }
        bool Take(Pending item)
        {
            if (item.IsBulk)
            {
                if (batch.Count > 0) return false;
                batch.Add(item);
                units = max;
                return true;
            }
            if (item.Units[0].Owner is { } owner && !owners.Add((owner.Table, owner.Key))) return false;
            batch.Add(item);
            units++;
            return true;
        }
        void Drain()
        {
            while (units < max && reader.TryRead(out var item))
                if (!Take(item)) deferred.Enqueue(item);
        }

        var waiting = deferred.Count;
        for (var i = 0; i < waiting && units < max; i++)
        {
            var item = deferred.Dequeue();
            if (!Take(item)) deferred.Enqueue(item);
        }
        Drain();
        var wanted = Math.Min(max, lane.LastBatchSize);
        if (wait && units > 0 && units < wanted && _database.Options.MaxBatchDelay > TimeSpan.Zero)
        {
            using var timeout = new CancellationTokenSource(_database.Options.MaxBatchDelay);
            try
            {
                while (units < wanted && await reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false)) Drain();
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
            }
        }
        lane.LastBatchSize = units;
        return units;
    }

    private async Task ExecuteAsync(Lane lane, List<Pending> batch)
    {
        Volatile.Write(ref lane.Writing, 1);
        try
        {
            await WriteAsync(lane, batch).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref lane.Writing, 0);
        }
    }

    private async Task WriteAsync(Lane lane, List<Pending> batch)
    {
        using var span = StartSpan(batch, lane.Shard);
        var started = Stopwatch.GetTimestamp();
        var units = batch.SelectMany(p => p.Units).ToList();
        if (!TryFence(lane, out var epoch))
        {
            await FailAsync(lane, batch, new StorageUnavailableException(
                $"This silo does not hold its writer shard '{lane.Shard}' right now (the database is away, or another process took the shard)."))
                .ConfigureAwait(false);
            return;
        }
        var transient = false;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Complete(lane, batch, await (transient
                    ? WriteBatchRetryingAsync(lane, epoch, units)
                    : WriteBatchAsync(lane, epoch, units)).ConfigureAwait(false));
                StorageTelemetry.Record(units.Count, Stopwatch.GetElapsedTime(started));
                return;
            }
            catch (Exception error) when (_database.IsDataError(error))
            {
                // Some unit's rows were refused; write each unit in its own savepoint to find which.
                _logger.LogInformation(error, "Batch of {Count} refused; retrying unit by unit", units.Count);
                try
                {
                    Complete(lane, batch, await WriteUnitByUnitAsync(lane, epoch, units).ConfigureAwait(false));
                    StorageTelemetry.Record(units.Count, Stopwatch.GetElapsedTime(started));
                }
                catch (Exception inner)
                {
                    await FailAsync(lane, batch, inner).ConfigureAwait(false);
                }
                return;
            }
            catch (Exception error) when (!transient && _database.IsRetryable(error))
            {
                // Written again through the retry pipeline, which counts and logs its own attempts.
                _logger.LogInformation(error, "Batch attempt {Attempt} on {Shard} hit a transient error; retrying", attempt, lane.Shard);
                transient = true;
            }
            catch (Exception error) when (StorageFailures.IsUnavailable(error) && lane.Reused && !lane.Committing && attempt == 1)
            {
                // The connection the lane kept had gone (the server restarted, or dropped it) before the batch reached its
                // commit, so nothing of it was stored: once more, on a new connection.
                _logger.LogInformation(error, "The connection of lane {Shard} had gone; writing the batch on a new one", lane.Shard);
                await DropConnectionAsync(lane).ConfigureAwait(false);
                lane.Seq = -1;
            }
            catch (Exception error)
            {
                await FailAsync(lane, batch, error).ConfigureAwait(false);
                return;
            }
        }
    }

    /// <summary>The epoch the lane writes at; a lease taken again since the last batch means the sequence is read again.</summary>
    private bool TryFence(Lane lane, out long epoch)
    {
        epoch = 0;
        if (_lease is not null && !_lease.TryGetEpoch(lane.Shard, out epoch)) return false;
        if (_lease is null) epoch = lane.Epoch;
        if (epoch != lane.Epoch)
        {
            lane.Epoch = epoch;
            lane.Seq = -1;
        }
        return true;
    }

    private async Task<(BatchWriter.Outcome Outcome, long Seq)> WriteBatchAsync(Lane lane, long epoch, List<WriteUnit> units)
    {
        var (connection, seq) = await PrepareAsync(lane).ConfigureAwait(false);
        var outcome = await InTransactionAsync(lane, connection, seq, tx =>
            _writer.WriteAsync(connection, tx, units, new BatchWriter.Fence(lane.Shard, epoch, seq), lane.Shard, default)).ConfigureAwait(false);
        return (outcome, seq);
    }

    /// <summary>The batch written again after a transient error, through <see cref="Retries.TransientPipeline"/>.</summary>
    private async Task<(BatchWriter.Outcome Outcome, long Seq)> WriteBatchRetryingAsync(Lane lane, long epoch, List<WriteUnit> units)
    {
        var context = ResilienceContextPool.Shared.Get(lane.Shard);
        try
        {
            return await _transientRetry.ExecuteAsync(static (_, s) => new ValueTask<(BatchWriter.Outcome, long)>(s.Committer.WriteBatchAsync(s.Lane, s.Epoch, s.Units)),
                context, (Committer: this, Lane: lane, Epoch: epoch, Units: units)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Each unit in its own savepoint, so a unit the database refuses fails alone.</summary>
    private async Task<(BatchWriter.Outcome Outcome, long Seq)> WriteUnitByUnitAsync(Lane lane, long epoch, List<WriteUnit> units)
    {
        var (connection, seq) = await PrepareAsync(lane).ConfigureAwait(false);
        var outcome = await InTransactionAsync(lane, connection, seq, async tx =>
        {
            await _writer.FenceAsync(connection, tx, new BatchWriter.Fence(lane.Shard, epoch, seq), default).ConfigureAwait(false);
            var errors = new Exception?[units.Count];
            var increments = new List<Increment>();
            for (var i = 0; i < units.Count; i++)
            {
                await tx.SaveAsync("unit").ConfigureAwait(false);
                try
                {
                    var one = await _writer.WriteAsync(connection, tx, [units[i]], null, lane.Shard, default).ConfigureAwait(false);
                    errors[i] = one.Errors[0];
                    increments.AddRange(one.Increments);
                    await tx.ReleaseAsync("unit").ConfigureAwait(false);
                }
                catch (Exception error) when (_database.IsDataError(error))
                {
                    await tx.RollbackAsync("unit").ConfigureAwait(false);
                    errors[i] = new WriteRejectedException($"The database refused this write: {error.Message}", error);
                }
            }
            return new BatchWriter.Outcome(errors, increments);
        }).ConfigureAwait(false);
        return (outcome, seq);
    }

    /// <summary>The lane's connection and the sequence number of its next batch.</summary>
    private async Task<(DbConnection Connection, long Seq)> PrepareAsync(Lane lane)
    {
        lane.Reused = lane.Connection is { State: System.Data.ConnectionState.Open };
        if (!lane.Reused)
        {
            await DropConnectionAsync(lane).ConfigureAwait(false);
            lane.Connection = await _database.OpenAsync().ConfigureAwait(false);
        }
        if (lane.Seq < 0) lane.Seq = lane.Previous = await ReadSeqAsync(lane).ConfigureAwait(false);
        return (lane.Connection!, lane.Seq + 1);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction and commits it; the lane's sequence moves on only then. When
    /// every unit failed nothing is committed (the outcome then has no sequence of its own to report), so every batch
    /// that takes a sequence number has a writer to pass it on.
    /// </summary>
    private async Task<BatchWriter.Outcome> InTransactionAsync(Lane lane, DbConnection connection, long seq,
        Func<DbTransaction, Task<BatchWriter.Outcome>> work)
    {
        await using var tx = await _database.BeginWriteAsync(connection).ConfigureAwait(false);
        try
        {
            var outcome = await work(tx).ConfigureAwait(false);
            if (outcome.Errors.All(e => e is not null))
            {
                await tx.RollbackAsync().ConfigureAwait(false);
                return outcome;
            }
            lane.Committing = true;
            await tx.CommitAsync().ConfigureAwait(false);
            lane.Seq = seq;
            Interlocked.Increment(ref lane.Committed);
            return outcome;
        }
        catch
        {
            await SafeRollbackAsync(tx).ConfigureAwait(false);
            throw;
        }
        finally
        {
            lane.Committing = false;
        }
    }

    /// <summary>The lane's last committed sequence number; without a lease (tests, tools), its shard's row is made at epoch 0.</summary>
    private async Task<long> ReadSeqAsync(Lane lane)
    {
        if (_lease is null)
        {
            await using var create = lane.Connection!.CreateCommand();
            new Statement().Sql("INSERT INTO shards (shard, seq, epoch) VALUES (").Param(lane.Shard).Sql(", 0, 0) ON CONFLICT (shard) DO NOTHING")
                .Bind(create);
            await create.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
        await using var command = lane.Connection!.CreateCommand();
        new Statement().Sql("SELECT seq FROM shards WHERE shard = ").Param(lane.Shard).Bind(command);
        var value = await command.ExecuteScalarAsync().ConfigureAwait(false);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
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

    private static async Task DropConnectionAsync(Lane lane)
    {
        if (lane.Connection is null) return;
        try
        {
            await lane.Connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception)
        {
            // Already broken.
        }
        lane.Connection = null;
    }

    /// <summary>Acknowledges the batch's writers: each its unit's error, or the committed batch.</summary>
    private static void Complete(Lane lane, List<Pending> batch, (BatchWriter.Outcome Outcome, long Seq) written)
    {
        var ((errors, increments), seq) = written;
        CommittedBatch? committed = null;
        if (errors.Any(e => e is null))
        {
            committed = new CommittedBatch(lane.Shard, lane.Previous, seq, lane.Gap, increments);
            lane.Previous = seq;
            lane.Gap = false;
        }
        var at = 0;
        foreach (var pending in batch)
        {
            pending.Complete(committed, errors.AsSpan(at, pending.Units.Count));
            at += pending.Units.Count;
        }
    }

    private async Task FailAsync(Lane lane, List<Pending> batch, Exception error)
    {
        _logger.LogWarning(error, "Batch of {Count} on {Shard} failed; the database may be unavailable", batch.Count, lane.Shard);
        // Dropped before the next batch runs, so that one cannot pick up the connection while it is being disposed.
        await DropConnectionAsync(lane).ConfigureAwait(false);
        // The commit may have reached the database before the connection broke: re-read the sequence so it never repeats,
        // and tell whoever follows the lane's batches that one of them may be missing.
        lane.Seq = -1;
        lane.Gap = true;
        var failure = error switch
        {
            StorageUnavailableException unavailable => unavailable,
            ShardLostException lost => new StorageUnavailableException(lost.Message, lost),
            _ => new StorageUnavailableException($"The database is unavailable; nothing in this batch was stored. ({error.Message})", error),
        };
        foreach (var pending in batch) pending.Fail(failure);
    }

    /// <summary>Writes what is queued, acknowledges its writers, and closes the connections.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_loops).ConfigureAwait(false);
        foreach (var lane in _lanes) await DropConnectionAsync(lane).ConfigureAwait(false);
    }

    /// <summary>
    /// One span per batch, a child of the first traced unit's span and linked to every unit's, so a request's trace
    /// shows the batch that committed it and a batch shows every request it served.
    /// </summary>
    private static Activity? StartSpan(List<Pending> batch, string shard)
    {
        if (!GrassrootsTelemetry.Source.HasListeners()) return null;
        var parent = batch.Select(p => p.Origin).FirstOrDefault(o => o != default);
        var links = batch.Where(p => p.Origin != default).Select(p => new ActivityLink(p.Origin)).ToList();
        var span = GrassrootsTelemetry.Source.StartActivity("storage batch", ActivityKind.Internal, parent, links: links);
        span?.SetTag("batch.size", batch.Sum(p => p.Units.Count));
        span?.SetTag("batch.shard", shard);
        return span;
    }

    /// <summary>A writer connection with its shard, the epoch it holds it at, and its sequence of batches.</summary>
    private sealed class Lane(string shard)
    {
        public string Shard { get; } = shard;
        public DbConnection? Connection { get; set; }
        public long Epoch { get; set; }
        public long Seq { get; set; } = -1;

        /// <summary>The sequence number of the lane's last committed batch, as last committed or read from the database.</summary>
        public long Previous { get; set; }

        /// <summary>Set after a batch whose commit may or may not have happened: the next batch says so.</summary>
        public bool Gap { get; set; }

        /// <summary>The current batch runs on a connection an earlier batch used (it may have gone meanwhile).</summary>
        public bool Reused { get; set; }

        /// <summary>The current batch's COMMIT has been sent: when it fails, whether it committed is not known.</summary>
        public bool Committing { get; set; }

        public int LastBatchSize { get; set; }
        public long Committed;
        public int Writing;
    }

    /// <summary>One writer's unit, or a bulk set of units committed as a batch of their own.</summary>
    private sealed class Pending(IReadOnlyList<WriteUnit> units, bool bulk)
    {
        private readonly TaskCompletionSource<CommittedBatch>? _single = bulk ? null : new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<BulkOutcome>? _all = bulk ? new(TaskCreationOptions.RunContinuationsAsynchronously) : null;

        public IReadOnlyList<WriteUnit> Units { get; } = units;
        public bool IsBulk => bulk;
        public Task<CommittedBatch> Single => _single!.Task;
        public Task<BulkOutcome> All => _all!.Task;

        /// <summary>The span of the code that queued the units, so the batch's span can be traced back to its requests.</summary>
        public ActivityContext Origin { get; } = Activity.Current?.Context ?? default;

        public void Complete(CommittedBatch? batch, ReadOnlySpan<Exception?> errors)
        {
            if (_single is not null)
            {
                if (errors[0] is { } error) _single.TrySetException(error);
                else _single.TrySetResult(batch!);
            }
            _all?.TrySetResult(new BulkOutcome(batch, errors.ToArray()));
        }

        public void Fail(Exception error)
        {
            _single?.TrySetException(error);
            _all?.TrySetException(error);
        }
    }
}

/// <summary>
/// A committed batch of one writer shard: its sequence number, the one this process committed before it on that shard
/// (-1 for its first), whether a batch between them may be missing (a commit whose outcome was not known), and the
/// rollup increments it applied, summed per row (rollup keys without the shard). Each writer of the batch gets this one
/// object; the first to <see cref="TryClaim"/> it passes the increments on.
/// </summary>
public sealed class CommittedBatch(string shard, long previous, long seq, bool gap, IReadOnlyList<Increment> increments)
{
    private int _claimed;

    public string Shard { get; } = shard;
    public long Previous { get; } = previous;
    public long Seq { get; } = seq;
    public bool Gap { get; } = gap;
    public IReadOnlyList<Increment> Increments { get; } = increments;

    private readonly TaskCompletionSource _handedOver = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True for exactly one caller, who hands the batch on and then calls <see cref="HandedOver"/>.</summary>
    public bool TryClaim() => Interlocked.Exchange(ref _claimed, 1) == 0;

    /// <summary>Completes once the claimer has handed the batch on, so no writer of it is answered before that.</summary>
    public Task WhenHandedOver => _handedOver.Task;

    public void HandedOver() => _handedOver.TrySetResult();
}

/// <summary>The outcome of <see cref="GroupCommitter.CommitAllAsync"/>: the batch, and each unit's error (null: written).</summary>
public sealed record BulkOutcome(CommittedBatch? Batch, IReadOnlyList<Exception?> Errors);
