using System.Data.Common;

namespace Grassroots.Storage;

/// <summary>
/// Writes many units inside one open transaction, in three round trips at most, each of few multi-row statements:
/// <list type="number">
/// <item>the lane's fence (its shard still held at its epoch, the batch's sequence number) and the owners — inserts that
/// add only absent rows and updates only at the expected version, each returning the keys it wrote, so a unit whose
/// owner did not hold fails alone and nothing else of it is written (many new rows of a table go by binary COPY,
/// straight into the table when none is there yet, else through a staging table: <see cref="StagedInserts"/>);</item>
/// <item>if the surviving units carry <see cref="StagedWrite"/>s, the statements of their stages' steps (all stages'
/// together: <see cref="IBatchStage"/>);</item>
/// <item>every other write of the surviving units and what the steps wrote, with their increments summed per row.</item>
/// </list>
/// </summary>
internal sealed class BatchWriter(Database database, IReadOnlyList<IBatchStage> stages)
{
    private const string FenceTag = "#fence";

    private readonly ColumnTypes? _columns = database.Dialect == "Postgres" ? new ColumnTypes() : null;

    public sealed record Outcome(Exception?[] Errors, List<Increment> Increments);

    /// <summary>Where a batch goes: a lane's shard, the epoch at which the lane holds it, and the batch's sequence number.</summary>
    public readonly record struct Fence(string Shard, long Epoch, long Seq);

    /// <summary>Writes <paramref name="units"/> behind <paramref name="fence"/> (null: the caller has fenced the transaction).</summary>
    public async Task<Outcome> WriteAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<WriteUnit> units, Fence? fence,
        string shard, CancellationToken cancellationToken)
    {
        var errors = new Exception?[units.Count];
        var owners = units.Select(u => u.Owner).OfType<VersionedPut>().ToList();
        var arrays = await ArraysAsync(connection, tx, units.SelectMany(u => u.Writes), cancellationToken).ConfigureAwait(false);

        var statements = new List<Statement>();
        if (fence is { } f) statements.Add(FenceStatement(f));
        var direct = owners;
        var copied = new HashSet<VersionedPut>(ReferenceEqualityComparer.Instance); // inserted whole by COPY: written
        if (connection is Npgsql.NpgsqlConnection npgsql && arrays is not null)
        {
            foreach (var many in owners.Where(o => o.ExpectedVersion == 0).GroupBy(o => o.Table).Where(g => g.Count() >= StagedInserts.Threshold).ToList())
            {
                List<VersionedPut> puts = [.. many];
                if (await StagedInserts.TryCopyAllAsync(npgsql, tx, many.Key, puts, arrays.Of, cancellationToken).ConfigureAwait(false))
                    copied.UnionWith(puts);
                else statements.Add(await StagedInserts.CopyAsync(npgsql, many.Key, puts, arrays.Of, cancellationToken).ConfigureAwait(false));
                direct = [.. direct.Where(o => o.Table != many.Key || o.ExpectedVersion != 0)];
            }
        }
        statements.AddRange(StatementBuilder.Owners(direct, database.MaxParameters, arrays));
        var tables = owners.Select(o => o.Table).Distinct().ToDictionary(t => t.Name);
        var written = new HashSet<RowKey>();
        var fenced = false;
        await RunAsync(connection, tx, statements, r =>
        {
            var tag = r.GetString(0);
            if (tag == FenceTag) fenced = true;
            else
            {
                var table = tables[tag];
                var key = new object?[table.Key.Length];
                for (var k = 0; k < key.Length; k++) key[k] = r.GetValue(1 + k);
                written.Add(RowKey.Of(table, key));
            }
        }, cancellationToken).ConfigureAwait(false);
        if (fence is { } held && !fenced) throw new ShardLostException(held.Shard, held.Epoch);

        var dependents = new List<RowWrite>();
        List<StagedWrite>?[]? staged = null; // per stage, made at the first staged write
        for (var i = 0; i < units.Count; i++)
        {
            if (units[i].Owner is { } owner && !copied.Contains(owner) && !written.Contains(RowKey.Of(owner.Table, owner.Key)))
            {
                errors[i] = new VersionConflictException(owner.ExpectedVersion == 0
                    ? $"{owner.Table} row ({string.Join(", ", owner.Key)}) exists already."
                    : $"{owner.Table} row ({string.Join(", ", owner.Key)}) is not at version {owner.ExpectedVersion}.");
                continue;
            }
            foreach (var write in units[i].Writes)
            {
                if (write is StagedWrite stagedWrite) ((staged ??= new List<StagedWrite>?[stages.Count])[StageOf(stagedWrite)] ??= []).Add(stagedWrite);
                else if (write is not VersionedPut) dependents.Add(write);
            }
        }
        if (staged is not null) await RunStagesAsync(connection, tx, staged, dependents, cancellationToken).ConfigureAwait(false);

        var increments = Sum(dependents.OfType<Increment>());
        List<RowWrite> rest = [.. dependents.Where(w => w is not Increment), .. increments];
        if (rest.Count > 0)
        {
            arrays = await ArraysAsync(connection, tx, rest, cancellationToken).ConfigureAwait(false);
            await RunAsync(connection, tx, StatementBuilder.Dependents(rest, shard, database.MaxParameters, arrays), null, cancellationToken)
                .ConfigureAwait(false);
        }
        return new Outcome(errors, increments);
    }

    private int StageOf(StagedWrite write)
    {
        for (var i = 0; i < stages.Count; i++)
            if (stages[i].Table == write.Table) return i;
        throw new InvalidOperationException($"The committer was given a {write.GetType().Name} for {write.Table} but no stage of that table.");
    }

    /// <summary>Each stage's step for its staged writes, every step's statements in one round trip, their writes added to <paramref name="dependents"/>.</summary>
    private async Task RunStagesAsync(DbConnection connection, DbTransaction tx, List<StagedWrite>?[] staged, List<RowWrite> dependents,
        CancellationToken cancellationToken)
    {
        var steps = new List<IBatchStep>(1);
        var statements = new List<Statement>();
        for (var i = 0; i < staged.Length; i++)
        {
            if (staged[i] is not { } writes) continue;
            var step = stages[i].Plan(database, writes);
            steps.Add(step);
            statements.AddRange(step.Statements);
        }
        await RunAsync(connection, tx, statements, r =>
        {
            foreach (var step in steps)
                if (step.Read(r)) return;
            throw new InvalidOperationException($"No stage reads the rows tagged '{r.GetString(0)}'.");
        }, cancellationToken).ConfigureAwait(false);
        foreach (var step in steps) dependents.AddRange(step.Writes());
    }

    /// <summary>Sets the shard's sequence number only at the epoch the lane holds; a row back says it did.</summary>
    public Statement FenceStatement(Fence fence) => database.Dialect == "Postgres"
        ? new Statement(returns: true).Sql("SELECT grassroots_fence(").Param(fence.Shard).Sql(", ").Param(fence.Epoch).Sql(", ").Param(fence.Seq).Sql(")")
        : new Statement(returns: true).Sql("UPDATE shards SET seq = ").Param(fence.Seq).Sql(" WHERE shard = ").Param(fence.Shard)
            .Sql(" AND epoch = ").Param(fence.Epoch).Sql($" RETURNING '{FenceTag}'");

    /// <summary>Runs just the fence (before a batch is written unit by unit); throws <see cref="ShardLostException"/>.</summary>
    public async Task FenceAsync(DbConnection connection, DbTransaction tx, Fence fence, CancellationToken cancellationToken)
    {
        var fenced = false;
        await RunAsync(connection, tx, [FenceStatement(fence)], r => fenced |= r.GetString(0) == FenceTag, cancellationToken).ConfigureAwait(false);
        if (!fenced) throw new ShardLostException(fence.Shard, fence.Epoch);
    }

    /// <summary>Increments of one row added up: what the batch applies, and what it reports to its writers.</summary>
    private static List<Increment> Sum(IEnumerable<Increment> increments)
    {
        var sums = new Dictionary<(Table, object?[]), Increment>(MadeKeyComparer.Instance);
        foreach (var increment in increments)
        {
            var key = (increment.Table, increment.Key);
            if (!sums.TryGetValue(key, out var sum)) sums[key] = sum = increment with { Deltas = new long[increment.Deltas.Length] };
            for (var i = 0; i < sum.Deltas.Length; i++) sum.Deltas[i] += increment.Deltas[i];
        }
        return [.. sums.Values.Where(s => s.Deltas.Any(d => d != 0))];
    }

    private async Task<ArrayTypes?> ArraysAsync(DbConnection connection, DbTransaction tx, IEnumerable<RowWrite> writes,
        CancellationToken cancellationToken) =>
        _columns is null ? null : await _columns.ForAsync(connection, tx, writes, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Runs the statements, in one round trip where the driver batches, and hands every row they return to
    /// <paramref name="read"/>. Rows carry a tag in their first column, so they are told apart however the driver walks
    /// the results of statements that return none.
    /// </summary>
    private static async Task RunAsync(DbConnection connection, DbTransaction tx, List<Statement> statements, Action<DbDataReader>? read,
        CancellationToken cancellationToken)
    {
        if (statements.Count == 0) return;
        if (connection.CanCreateBatch)
        {
            await using var batch = connection.CreateBatch();
            batch.Transaction = tx;
            foreach (var statement in statements)
            {
                var command = batch.CreateBatchCommand();
                statement.Bind(command);
                batch.BatchCommands.Add(command);
            }
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            do await ReadAllAsync(reader, read, cancellationToken).ConfigureAwait(false);
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
            return;
        }

        foreach (var statement in statements)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            statement.Bind(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await ReadAllAsync(reader, read, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task ReadAllAsync(DbDataReader reader, Action<DbDataReader>? read, CancellationToken cancellationToken)
    {
        if (reader.FieldCount == 0) return;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) read?.Invoke(reader);
    }
}
