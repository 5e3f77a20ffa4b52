using System.Data.Common;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Grassroots.Storage;

/// <summary>
/// Many new rows of one table at once (an import's chunk) on PostgreSQL, sent by binary COPY, in PostgreSQL's own binary
/// format with no parameter or array per column to build. First straight into the table, inside a savepoint: when none
/// of the rows is there yet (an import of new records) that is all, and every row was inserted. When one is there
/// already, COPY stops at it with a unique violation, the savepoint undoes what it had copied, and the rows go the
/// way that tells them apart: into a temporary staging table of the same shape, then inserted from there in one statement
/// that adds only the absent rows and returns their keys, as the owners' statement of any batch does. The staging table
/// lives as long as the connection and is emptied at every commit (ON COMMIT DELETE ROWS).
/// </summary>
internal static class StagedInserts
{
    /// <summary>Fewer new rows of a table than this go as arrays in the owners' statement.</summary>
    public const int Threshold = 1_000;

    public static string StagingOf(Table table) => "staging_" + table.Name;

    /// <summary>
    /// Copies the puts' rows straight into the table, inside a savepoint: true when every one went in; false, with
    /// nothing of them written, when one of them was there already.
    /// </summary>
    public static async Task<bool> TryCopyAllAsync(NpgsqlConnection connection, DbTransaction tx, Table table, IReadOnlyList<VersionedPut> puts,
        Func<Table, string, string> types, CancellationToken cancellationToken)
    {
        const string savepoint = "copy_all";
        await tx.SaveAsync(savepoint, cancellationToken).ConfigureAwait(false);
        try
        {
            await CopyRowsAsync(connection, table.Name, table, puts, types, cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException error) when (error.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            await tx.RollbackAsync(savepoint, cancellationToken).ConfigureAwait(false);
            return false;
        }
        await tx.ReleaseAsync(savepoint, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Copies the puts' rows into the table's staging table; returns the statement that inserts them from there.</summary>
    public static async Task<Statement> CopyAsync(NpgsqlConnection connection, Table table, IReadOnlyList<VersionedPut> puts,
        Func<Table, string, string> types, CancellationToken cancellationToken)
    {
        var staging = StagingOf(table);
        // Asked every time rather than remembered per connection: a table created in a transaction that rolls back (a
        // chunk whose rows were all there already, a lost shard) is gone with it.
        await using (var create = new NpgsqlCommand(
            $"CREATE TEMP TABLE IF NOT EXISTS {staging} (LIKE {table.Name} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS", connection))
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await CopyRowsAsync(connection, staging, table, puts, types, cancellationToken).ConfigureAwait(false);
        var list = string.Join(", ", Columns(table));
        return new Statement(returns: true).Sql(
            $"INSERT INTO {table.Name} ({list}) SELECT {list} FROM {staging} ON CONFLICT ({string.Join(", ", table.Key)}) DO NOTHING " +
            $"RETURNING '{table.Name}', {string.Join(", ", table.Key)}");
    }

    private static string[] Columns(Table table) => [.. table.Key, .. table.Values, "version"];

    /// <summary>Binary COPY of the puts' rows, at their first version, into <paramref name="target"/> (the table or its staging table).</summary>
    private static async Task CopyRowsAsync(NpgsqlConnection connection, string target, Table table, IReadOnlyList<VersionedPut> puts,
        Func<Table, string, string> types, CancellationToken cancellationToken)
    {
        var columns = Columns(table);
        var writers = columns.Select(c => Writer(types(table, c))).ToArray();
        await using var copy = await connection.BeginBinaryImportAsync(
            $"COPY {target} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        foreach (var put in puts)
        {
            await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
            var c = 0;
            foreach (var value in put.Key) await writers[c++](copy, value, cancellationToken).ConfigureAwait(false);
            foreach (var value in put.Values) await writers[c++](copy, value, cancellationToken).ConfigureAwait(false);
            await writers[c](copy, put.ExpectedVersion + 1, cancellationToken).ConfigureAwait(false);
        }
        await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private delegate Task CellWriter(NpgsqlBinaryImporter copy, object? value, CancellationToken cancellationToken);

    /// <summary>How a value goes into a column of this PostgreSQL type: binary COPY takes exactly the column's type.</summary>
    private static CellWriter Writer(string type) => type switch
    {
        "text" => (copy, v, ct) => v is null ? copy.WriteNullAsync(ct) : copy.WriteAsync((string)v, NpgsqlDbType.Text, ct),
        "integer" => (copy, v, ct) => v is null ? copy.WriteNullAsync(ct)
            : copy.WriteAsync(Convert.ToInt32(v, CultureInfo.InvariantCulture), NpgsqlDbType.Integer, ct),
        "bigint" => (copy, v, ct) => v is null ? copy.WriteNullAsync(ct)
            : copy.WriteAsync(Convert.ToInt64(v, CultureInfo.InvariantCulture), NpgsqlDbType.Bigint, ct),
        "boolean" => (copy, v, ct) => v is null ? copy.WriteNullAsync(ct) : copy.WriteAsync((bool)v, NpgsqlDbType.Boolean, ct),
        "date" => (copy, v, ct) => v is null ? copy.WriteNullAsync(ct) : copy.WriteAsync((DateOnly)v, NpgsqlDbType.Date, ct),
        "timestamp with time zone" => (copy, v, ct) => v is null ? copy.WriteNullAsync(ct)
            : copy.WriteAsync(((DateTimeOffset)v).ToUniversalTime(), NpgsqlDbType.TimestampTz, ct),
        _ => throw new NotSupportedException($"Binary COPY of a {type} column is not written here."),
    };
}
