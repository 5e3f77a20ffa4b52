using System.Data.Common;
using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Grassroots.Storage.Batching;

/// <summary>
/// Many new rows of one table at once (an import's chunk) on PostgreSQL: sent by binary COPY into a temporary staging
/// table of the same shape, then inserted from there in one statement that adds only the absent rows and returns their
/// keys, as the owners' statement of any batch does. COPY streams the rows in PostgreSQL's own binary format, with no
/// parameter or array per column to build; the staging table lives as long as the connection and is emptied at every
/// commit (ON COMMIT DELETE ROWS).
/// </summary>
internal sealed class StagedInserts
{
    /// <summary>Fewer new rows of a table than this go as arrays in the owners' statement.</summary>
    public const int Threshold = 1_000;

    private readonly HashSet<(int Backend, string Table)> _created = [];

    public static string StagingOf(Table table) => "staging_" + table.Name;

    /// <summary>Copies the puts' rows into the table's staging table; returns the statement that inserts them from there.</summary>
    public async Task<Statement> CopyAsync(NpgsqlConnection connection, Table table, IReadOnlyList<VersionedPut> puts,
        Func<Table, string, string> types, CancellationToken cancellationToken)
    {
        string[] columns = [.. table.Key, .. table.Values, "version"];
        var staging = StagingOf(table);
        if (_created.Add((connection.ProcessID, table.Name)))
        {
            await using var create = new NpgsqlCommand(
                $"CREATE TEMP TABLE IF NOT EXISTS {staging} (LIKE {table.Name} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        var writers = columns.Select(c => Writer(types(table, c))).ToArray();
        await using (var copy = await connection.BeginBinaryImportAsync(
            $"COPY {staging} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
        {
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
        var list = string.Join(", ", columns);
        return new Statement(returns: true).Sql(
            $"INSERT INTO {table.Name} ({list}) SELECT {list} FROM {staging} ON CONFLICT ({string.Join(", ", table.Key)}) DO NOTHING " +
            $"RETURNING '{table.Name}', {string.Join(", ", table.Key)}");
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
