using System.Data.Common;

namespace Grassroots.Storage.Batching;

/// <summary>
/// Writes many units inside one open transaction with one multi-row statement per table and kind of write.
/// First optimistically, each versioned put checking its own version as it writes (one round trip); when that
/// fails, by a locking read of every expected version, leaving out and reporting the units that do not match.
/// </summary>
internal sealed class BatchWriter(Database database)
{
    private readonly ColumnTypes? _columns = database.Dialect == "Postgres" ? new ColumnTypes() : null;

    public sealed record Outcome(Exception?[] Errors, List<IncrementedRow> Increments);

    public async Task<Outcome> WriteAsync(DbConnection connection, DbTransaction tx, IReadOnlyList<WriteUnit> units,
        long seq, IReadOnlyList<RowWrite> always, CancellationToken cancellationToken)
    {
        var errors = new Exception?[units.Count];
        var versions = await ReadVersionsAsync(connection, tx, units, cancellationToken).ConfigureAwait(false);
        var accepted = new List<RowWrite>(always);
        for (var i = 0; i < units.Count; i++)
        {
            var puts = units[i].Writes.OfType<VersionedPut>().ToList();
            var stale = puts.FirstOrDefault(p => versions.GetValueOrDefault(RowKey.Of(p.Table, p.Key)) != p.ExpectedVersion);
            if (stale is not null)
            {
                errors[i] = new VersionConflictException(
                    $"{stale.Table} row ({string.Join(", ", stale.Key)}) is at version {versions.GetValueOrDefault(RowKey.Of(stale.Table, stale.Key))}, not {stale.ExpectedVersion}.");
                continue;
            }
            foreach (var put in puts) versions[RowKey.Of(put.Table, put.Key)] = put.ExpectedVersion + 1;
            accepted.AddRange(units[i].Writes);
        }

        var statements = StatementBuilder.Build(accepted, seq, database.MaxParameters,
            arrays: await ArraysAsync(connection, tx, accepted, cancellationToken).ConfigureAwait(false));
        var (increments, _) = await ExecuteAsync(connection, tx, statements, seq, cancellationToken).ConfigureAwait(false);
        return new Outcome(errors, increments);
    }

    /// <summary>
    /// The common case in one round trip: every unit written at once, each versioned put checking its own version
    /// in the statement that writes it. Returns null when some put found another version (or a row appears twice in
    /// the batch, where a statement could not tell a stale write from a fresh one): the caller rolls back and takes
    /// the locking path of <see cref="WriteAsync"/>, which tells each unit its own outcome.
    /// </summary>
    public async Task<List<IncrementedRow>?> TryWriteOptimisticAsync(DbConnection connection, DbTransaction tx,
        IReadOnlyList<WriteUnit> units, long seq, IReadOnlyList<RowWrite> always, CancellationToken cancellationToken)
    {
        var puts = units.SelectMany(u => u.Writes.OfType<VersionedPut>()).ToList();
        if (puts.DistinctBy(p => RowKey.Of(p.Table, p.Key)).Count() != puts.Count) return null;
        List<RowWrite> writes = [.. always, .. units.SelectMany(u => u.Writes)];
        var statements = StatementBuilder.Build(writes, seq, database.MaxParameters, guarded: true,
            arrays: await ArraysAsync(connection, tx, writes, cancellationToken).ConfigureAwait(false));
        var (increments, guards) = await ExecuteAsync(connection, tx, statements, seq, cancellationToken).ConfigureAwait(false);
        return guards == puts.Count ? increments : null;
    }

    private async Task<Func<Table, string, string>?> ArraysAsync(DbConnection connection, DbTransaction tx, IEnumerable<RowWrite> writes,
        CancellationToken cancellationToken) =>
        _columns is null ? null : await _columns.ForAsync(connection, tx, writes, cancellationToken).ConfigureAwait(false);

    /// <summary>Reads (and on PostgreSQL row-locks) the current version of every row a unit expects.</summary>
    private async Task<Dictionary<RowKey, long>> ReadVersionsAsync(DbConnection connection, DbTransaction tx,
        IReadOnlyList<WriteUnit> units, CancellationToken cancellationToken)
    {
        var versions = new Dictionary<RowKey, long>();
        var byTable = units.SelectMany(u => u.Writes.OfType<VersionedPut>())
            .GroupBy(p => p.Table)
            .Select(g => (Table: g.Key, Keys: g.DistinctBy(p => RowKey.Of(p.Table, p.Key))
                .OrderBy(p => RowKey.Of(p.Table, p.Key).Text, StringComparer.Ordinal).Select(p => p.Key).ToList()));
        foreach (var (table, keys) in byTable)
        {
            var perStatement = Math.Max(1, Math.Min(1000, database.MaxParameters / (table.Key.Length + 1)));
            foreach (var chunk in keys.Chunk(perStatement))
            {
                // One index lookup per wanted key whatever the table's size or statistics, each row locked in the keys'
                // sorted order so that two writers locking the same rows cannot deadlock. PostgreSQL plans a row IN list,
                // "(key) IN ((…), (…))", in time quadratic in its length (~85 ms for 512 keys against ~5 ms this way),
                // and may answer a join with a VALUES list by scanning the whole table.
                var match = string.Join(" AND ", table.Key.Select((c, k) => $"{table.Name}.{c} = wanted.column{k + 2}"));
                var statement = new Statement()
                    .Sql($"SELECT wanted.column1, (SELECT version FROM {table.Name} WHERE {match}{database.ForUpdate}) FROM (VALUES ");
                for (var i = 0; i < chunk.Length; i++)
                {
                    if (i > 0) statement.Sql(", ");
                    statement.Tuple([i, .. chunk[i]]);
                }
                statement.Sql(") AS wanted");
                await using var command = connection.CreateCommand();
                command.Transaction = tx;
                statement.Bind(command);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    if (reader.IsDBNull(1)) continue;
                    versions[RowKey.Of(table, chunk[Convert.ToInt32(reader.GetValue(0))])] = Convert.ToInt64(reader.GetValue(1));
                }
            }
        }
        return versions;
    }

    /// <summary>
    /// Runs the statements, in one round trip where the driver batches. Incrementing statements return
    /// their table's name first in every row (guarded puts <see cref="StatementBuilder.GuardMark"/>), so rows are
    /// matched however the driver walks results. Returns the incremented rows and how many guarded rows were written.
    /// </summary>
    private static async Task<(List<IncrementedRow> Increments, int Guards)> ExecuteAsync(DbConnection connection, DbTransaction tx,
        List<Statement> statements, long seq, CancellationToken cancellationToken)
    {
        var increments = new List<IncrementedRow>();
        var guards = 0;
        var tables = statements.Where(s => s.Returns is not null).Select(s => s.Returns!).Distinct().ToDictionary(t => t.Name);
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
            do guards += await ReadIncrementsAsync(reader, tables, seq, increments, cancellationToken).ConfigureAwait(false);
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
            return (increments, guards);
        }

        foreach (var statement in statements)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            statement.Bind(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            guards += await ReadIncrementsAsync(reader, tables, seq, increments, cancellationToken).ConfigureAwait(false);
        }
        return (increments, guards);
    }

    /// <summary>Collects incremented rows; returns the number of guard marks seen.</summary>
    private static async Task<int> ReadIncrementsAsync(DbDataReader reader, Dictionary<string, Table> tables, long seq,
        List<IncrementedRow> into, CancellationToken cancellationToken)
    {
        var guards = 0;
        if (reader.FieldCount == 0) return 0;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var name = reader.GetString(0);
            if (name == StatementBuilder.GuardMark)
            {
                guards++;
                continue;
            }
            var table = tables[name];
            var key = new object?[table.Key.Length];
            for (var k = 0; k < key.Length; k++) key[k] = reader.GetValue(1 + k);
            var values = new long[table.Values.Length];
            for (var v = 0; v < values.Length; v++) values[v] = Convert.ToInt64(reader.GetValue(1 + key.Length + v));
            into.Add(new IncrementedRow(table, key, values, seq));
        }
        return guards;
    }
}
