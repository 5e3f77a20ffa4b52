using System.Data.Common;

namespace Grassroots.Storage;

/// <summary>
/// The PostgreSQL type of every column of the service's tables, read from the catalog once per silo, so that a batch
/// can send a table's rows as one typed array per column (<c>unnest($1::bigint[], $2::text[], …)</c>) instead of one
/// parameter per value: a few parameters a statement however many rows it carries, and a statement text that is the
/// same for every batch.
/// </summary>
internal sealed class ColumnTypes
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile ArrayTypes? _types;
    private volatile HashSet<string> _tables = [];

    /// <summary>The types, read again when a table of <paramref name="writes"/> is not known yet (created after the last read).</summary>
    public async Task<ArrayTypes> ForAsync(DbConnection connection, DbTransaction tx, IEnumerable<RowWrite> writes,
        CancellationToken cancellationToken)
    {
        if (_types is { } types && Knows(writes)) return types;
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_types is not { } known || !Knows(writes))
            {
                var read = await ReadAsync(connection, tx, cancellationToken).ConfigureAwait(false);
                _tables = [.. read.Keys.Select(k => k.Table)];
                _types = known = new ArrayTypes(read);
            }
            return known;
        }
        finally
        {
            _gate.Release();
        }
    }

    private bool Knows(IEnumerable<RowWrite> writes) => writes.All(w => _tables.Contains(w.Table.Name));

    private static async Task<Dictionary<(string Table, string Column), string>> ReadAsync(DbConnection connection, DbTransaction tx,
        CancellationToken cancellationToken)
    {
        var types = new Dictionary<(string Table, string Column), string>();
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        command.CommandText =
            "SELECT c.relname, a.attname, format_type(a.atttypid, NULL) FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid " +
            "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            types[(reader.GetString(0), reader.GetString(1))] = reader.GetString(2);
        return types;
    }

    /// <summary>One column's values as a typed array Npgsql sends as a PostgreSQL array; nulls stay nulls.</summary>
    public static Array Column(IReadOnlyList<object?[]> rows, int column)
    {
        var sample = rows.Select(r => r[column]).FirstOrDefault(v => v is not null and not DBNull);
        // Values of different types (a caller's mistake) go as text for PostgreSQL to convert or refuse as a data error,
        // which fails only the unit that wrote them, as it would for one parameter per value.
        if (sample is not null && rows.Any(r => r[column] is { } v and not DBNull && Family(v) != Family(sample)))
            return Fill<string?>(rows, column, Text);
        return sample switch
        {
            null or string => Fill<string?>(rows, column, v => (string)v),
            int or long or short => Fill<long?>(rows, column, v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)),
            bool => Fill<bool?>(rows, column, v => (bool)v),
            DateOnly => Fill<DateOnly?>(rows, column, v => (DateOnly)v),
            DateTime => Fill<DateTime?>(rows, column, v => (DateTime)v),
            DateTimeOffset => Fill<DateTimeOffset?>(rows, column, v => (DateTimeOffset)v),
            double => Fill<double?>(rows, column, v => (double)v),
            byte[] => Fill<byte[]?>(rows, column, v => (byte[])v),
            _ => throw new NotSupportedException($"A column of {sample.GetType().Name} values cannot be sent as an array."),
        };
    }

    private static Type Family(object value) => value is int or long or short ? typeof(long) : value.GetType();

    private static string Text(object value) => value switch
    {
        DateTimeOffset d => d.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        DateTime d => d.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        byte[] b => "\\x" + Convert.ToHexString(b),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "",
    };

    private static T[] Fill<T>(IReadOnlyList<object?[]> rows, int column, Func<object, T> convert)
    {
        var values = new T[rows.Count];
        for (var i = 0; i < values.Length; i++)
            if (rows[i][column] is { } value and not DBNull) values[i] = convert(value);
        return values;
    }
}

/// <summary>
/// The columns' types as read once from the catalog, and the text of each statement made with them: a statement of arrays
/// has the same text for every batch of its table and kind, so it is put together once (it was ~0.8 KB of strings per PUT
/// of a study session, made afresh for every batch; docs/benchmarks.md, Issue 24).
/// </summary>
internal sealed class ArrayTypes(Dictionary<(string Table, string Column), string> types)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(Table Table, string Kind), string> _texts = new();

    public string Of(Table table, string column) => types.TryGetValue((table.Name, column), out var type)
        ? type
        : throw new InvalidOperationException($"The database has no column {table.Name}.{column}.");

    /// <summary>The text of <paramref name="table"/>'s statement of <paramref name="kind"/>, made by <paramref name="make"/> the first time.</summary>
    public string Text(Table table, string kind, Func<string> make) => _texts.GetOrAdd((table, kind), static (_, make) => make(), make);
}

