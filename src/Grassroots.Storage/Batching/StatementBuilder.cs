namespace Grassroots.Storage;

/// <summary>
/// Turns the writes of a batch into few multi-row statements, one per table and kind, in the order tables first appear
/// (so parents are written before children). Owners — a unit's <see cref="VersionedPut"/> — carry their own check
/// (insert only where absent, update only where the stored version is the expected one) and return their table's name
/// and key for each row they wrote, so the committer knows which units hold. Dependent writes follow once that is known:
/// increments to one row are summed (by the caller) and later upserts of one row win, so no statement touches a row twice.
/// Given the columns' types (PostgreSQL), a statement sends its rows as one array per column, whatever their number;
/// otherwise as a VALUES list of rows of parameters, split to stay under the driver's limit.
/// </summary>
internal static class StatementBuilder
{
    /// <summary>The owners' statements. A batch never holds two owners of one row (the committer defers the second).</summary>
    public static List<Statement> Owners(IEnumerable<VersionedPut> puts, int maxParameters, ArrayTypes? arrays)
    {
        var statements = new List<Statement>();
        foreach (var group in puts.GroupBy(p => (p.Table, Insert: p.ExpectedVersion == 0)))
        {
            var (table, insert) = group.Key;
            Emit(statements, table, insert ? "insert" : "update", [.. group.Select(p => (object?[])[.. p.Key, .. p.Values, p.ExpectedVersion + 1])],
                [.. table.Key, .. table.Values, "version"], () => OwnerTail(table, insert), maxParameters, arrays, returns: true);
        }
        return statements;
    }

    private static string OwnerTail(Table table, bool insert)
    {
        var conflict = insert
            ? " DO NOTHING"
            : $" DO UPDATE SET {string.Join(", ", table.Values.Append("version").Select(c => $"{c} = excluded.{c}"))}" +
              $" WHERE {table.Name}.version = excluded.version - 1";
        return $" ON CONFLICT ({string.Join(", ", table.Key)}){conflict} RETURNING '{table.Name}', {string.Join(", ", table.Key)}";
    }

    /// <summary>The statements of the writes that follow once their owners hold; rollup rows go under <paramref name="shard"/>.</summary>
    public static List<Statement> Dependents(IReadOnlyList<RowWrite> writes, string shard, int maxParameters, ArrayTypes? arrays)
    {
        var statements = new List<Statement>();
        foreach (var group in writes.GroupBy(w => (w.Table, Kind: w.GetType())))
        {
            var table = group.Key.Table;
            switch (group.First())
            {
                case Upsert:
                    var last = new Dictionary<(Table, object?[]), Upsert>(MadeKeyComparer.Instance);
                    foreach (var write in group.Cast<Upsert>()) last[(table, write.Key)] = write;
                    Emit(statements, table, "upsert", [.. last.Values.Select(u => (object?[])[.. u.Key, .. u.Values])], [.. table.Key, .. table.Values],
                        () => Overwrite(table), maxParameters, arrays);
                    break;
                case Increment:
                    if (arrays is not null)
                    {
                        statements.Add(IncrementArrays(table, [.. group.Cast<Increment>()], shard, arrays));
                        break;
                    }
                    var shardValue = table.ShardColumn is null ? Array.Empty<object?>() : [shard];
                    Emit(statements, table, "increment", [.. group.Cast<Increment>().Select(i => (object?[])[.. shardValue, .. i.Key, .. i.Deltas.Cast<object?>()])],
                        IncrementColumns(table), () => AddTo(table), maxParameters, arrays: null);
                    break;
                case Append:
                    Emit(statements, table, "append", [.. group.Cast<Append>().Select(a => a.Values)], table.Values, () => "", maxParameters, arrays);
                    break;
                case Remove:
                    foreach (var chunk in group.Cast<Remove>().Select(r => r.Key).Chunk(Math.Max(1, maxParameters / table.Key.Length)))
                    {
                        var statement = new Statement().Sql($"DELETE FROM {table.Name} WHERE ({string.Join(", ", table.Key)}) IN (");
                        for (var i = 0; i < chunk.Length; i++) (i > 0 ? statement.Sql(", ") : statement).Tuple(chunk[i]);
                        statements.Add(statement.Sql(")"));
                    }
                    break;
                default:
                    throw new NotSupportedException($"{group.Key.Kind.Name} is not a dependent write.");
            }
        }
        return statements;
    }

    private static string Overwrite(Table table) => table.Values.Length == 0
        ? $" ON CONFLICT ({string.Join(", ", table.Key)}) DO NOTHING"
        : $" ON CONFLICT ({string.Join(", ", table.Key)}) DO UPDATE SET {string.Join(", ", table.Values.Select(c => $"{c} = excluded.{c}"))}";

    /// <summary>An increment's columns: the shard's (a table of rollups), the key's, the sums'.</summary>
    private static string[] IncrementColumns(Table table) =>
        [.. table.ShardColumn is { } column ? [column] : Array.Empty<string>(), .. table.Key, .. table.Values];

    /// <summary>An increment adds its sums to the row that is there, or inserts it.</summary>
    private static string AddTo(Table table) =>
        $" ON CONFLICT ({string.Join(", ", (table.ShardColumn is { } column ? [column] : Array.Empty<string>()).Concat(table.Key))})" +
        $" DO UPDATE SET {string.Join(", ", table.Values.Select(c => $"{c} = {table.Name}.{c} + excluded.{c}"))}";

    /// <summary>
    /// Increments of one table as arrays: the shard once, as a value of the statement; each key column from the keys as
    /// made; each sum as a bigint array filled straight from the increments, with no row of boxed values between.
    /// </summary>
    private static Statement IncrementArrays(Table table, List<Increment> increments, string shard, ArrayTypes arrays)
    {
        var parameters = new List<object?>(1 + table.Key.Length + table.Values.Length);
        if (table.ShardColumn is not null) parameters.Add(shard);
        var keys = increments.ConvertAll(i => i.Key);
        for (var k = 0; k < table.Key.Length; k++) parameters.Add(ColumnTypes.Column(keys, k));
        for (var v = 0; v < table.Values.Length; v++)
        {
            var sums = new long[increments.Count];
            for (var i = 0; i < sums.Length; i++) sums[i] = increments[i].Deltas[v];
            parameters.Add(sums);
        }
        return new Statement(returns: false, arrays.Text(table, "increment", () =>
        {
            var statement = new Statement().Sql($"INSERT INTO {table.Name} ({string.Join(", ", IncrementColumns(table))}) SELECT ");
            if (table.ShardColumn is { } shardColumn) statement.Param(shard).Sql($"::{arrays.Of(table, shardColumn)}, ");
            statement.Sql("* FROM unnest(");
            string[] arrayed = [.. table.Key, .. table.Values];
            for (var c = 0; c < arrayed.Length; c++) (c > 0 ? statement.Sql(", ") : statement).Param(null).Sql($"::{arrays.Of(table, arrayed[c])}[]");
            return statement.Sql(")").Sql(AddTo(table)).Text;
        }), parameters);
    }

    /// <summary>
    /// Rows as one statement of arrays, its text made once per table and <paramref name="kind"/>; without the columns'
    /// types (SQLite), as VALUES lists of parameters.
    /// </summary>
    private static void Emit(List<Statement> statements, Table table, string kind, List<object?[]> rows, string[] columns, Func<string> tail,
        int maxParameters, ArrayTypes? arrays, bool returns = false)
    {
        if (arrays is not null)
        {
            var parameters = new object?[columns.Length];
            for (var c = 0; c < columns.Length; c++) parameters[c] = ColumnTypes.Column(rows, c);
            statements.Add(new Statement(returns, arrays.Text(table, kind, () =>
            {
                var statement = new Statement().Sql($"INSERT INTO {table.Name} ({string.Join(", ", columns)}) SELECT * FROM unnest(");
                for (var c = 0; c < columns.Length; c++) (c > 0 ? statement.Sql(", ") : statement).Param(null).Sql($"::{arrays.Of(table, columns[c])}[]");
                return statement.Sql(")").Sql(tail()).Text;
            }), parameters));
            return;
        }

        var perStatement = Math.Max(1, Math.Min(1000, maxParameters / columns.Length));
        foreach (var chunk in rows.Chunk(perStatement))
        {
            var statement = new Statement(returns).Sql($"INSERT INTO {table.Name} ({string.Join(", ", columns)}) VALUES ");
            for (var i = 0; i < chunk.Length; i++) (i > 0 ? statement.Sql(", ") : statement).Tuple(chunk[i]);
            statements.Add(statement.Sql(tail()));
        }
    }
}
