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
    public static List<Statement> Owners(IEnumerable<VersionedPut> puts, int maxParameters, Func<Table, string, string>? arrays)
    {
        var statements = new List<Statement>();
        foreach (var group in puts.GroupBy(p => (p.Table, Insert: p.ExpectedVersion == 0)))
        {
            var (table, insert) = group.Key;
            var conflict = insert
                ? " DO NOTHING"
                : $" DO UPDATE SET {string.Join(", ", table.Values.Append("version").Select(c => $"{c} = excluded.{c}"))}" +
                  $" WHERE {table.Name}.version = excluded.version - 1";
            Emit(statements, table, [.. group.Select(p => Row([.. p.Key, .. p.Values], p.ExpectedVersion + 1))], [.. table.Key, .. table.Values, "version"],
                $" ON CONFLICT ({string.Join(", ", table.Key)}){conflict} RETURNING '{table.Name}', {string.Join(", ", table.Key)}",
                maxParameters, arrays, returns: true);
        }
        return statements;
    }

    /// <summary>The statements of the writes that follow once their owners hold; rollup rows go under <paramref name="shard"/>.</summary>
    public static List<Statement> Dependents(IReadOnlyList<RowWrite> writes, string shard, int maxParameters, Func<Table, string, string>? arrays)
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
                    Emit(statements, table, [.. last.Values.Select(u => Row([.. u.Key, .. u.Values]))], [.. table.Key, .. table.Values],
                        Overwrite(table), maxParameters, arrays);
                    break;
                case Increment:
                    var add = string.Join(", ", table.Values.Select(c => $"{c} = {table.Name}.{c} + excluded.{c}"));
                    var shardKey = table.ShardColumn is { } column ? [column] : Array.Empty<string>();
                    var upsert = $" ON CONFLICT ({string.Join(", ", shardKey.Concat(table.Key))}) DO UPDATE SET {add}";
                    string[] columns = [.. shardKey, .. table.Key, .. table.Values];
                    if (arrays is not null)
                    {
                        statements.Add(IncrementArrays(table, columns, [.. group.Cast<Increment>()], shard, upsert, arrays));
                        break;
                    }
                    var shardValue = table.ShardColumn is null ? Array.Empty<object?>() : [shard];
                    Emit(statements, table, [.. group.Cast<Increment>().Select(i => Row([.. shardValue, .. i.Key, .. i.Deltas.Cast<object?>()]))],
                        columns, upsert, maxParameters, arrays: null);
                    break;
                case Append:
                    Emit(statements, table, [.. group.Cast<Append>().Select(a => a.Values)], table.Values, "", maxParameters, arrays);
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

    /// <summary>
    /// Increments of one table as arrays: the shard once, as a value of the statement; each key column from the keys as
    /// made; each sum as a bigint array filled straight from the increments, with no row of boxed values between.
    /// </summary>
    private static Statement IncrementArrays(Table table, string[] columns, List<Increment> increments, string shard, string tail,
        Func<Table, string, string> arrays)
    {
        var statement = new Statement().Sql($"INSERT INTO {table.Name} ({string.Join(", ", columns)}) SELECT ");
        if (table.ShardColumn is { } shardColumn) statement.Param(shard).Sql($"::{arrays(table, shardColumn)}, ");
        statement.Sql("* FROM unnest(");
        var keys = increments.ConvertAll(i => i.Key);
        for (var k = 0; k < table.Key.Length; k++)
            (k > 0 ? statement.Sql(", ") : statement).Param(ColumnTypes.Column(keys, k)).Sql($"::{arrays(table, table.Key[k])}[]");
        for (var v = 0; v < table.Values.Length; v++)
        {
            var sums = new long[increments.Count];
            for (var i = 0; i < sums.Length; i++) sums[i] = increments[i].Deltas[v];
            (table.Key.Length + v > 0 ? statement.Sql(", ") : statement).Param(sums).Sql($"::{arrays(table, table.Values[v])}[]");
        }
        return statement.Sql(")").Sql(tail);
    }

    private static object?[] Row(object?[] values, object? extra = null) => extra is null ? values : [.. values, extra];

    private static void Emit(List<Statement> statements, Table table, List<object?[]> rows, string[] columns, string tail,
        int maxParameters, Func<Table, string, string>? arrays, bool returns = false)
    {
        if (arrays is not null)
        {
            var statement = new Statement(returns).Sql($"INSERT INTO {table.Name} ({string.Join(", ", columns)}) SELECT * FROM unnest(");
            for (var c = 0; c < columns.Length; c++)
                (c > 0 ? statement.Sql(", ") : statement).Param(ColumnTypes.Column(rows, c)).Sql($"::{arrays(table, columns[c])}[]");
            statements.Add(statement.Sql(")").Sql(tail));
            return;
        }

        var perStatement = Math.Max(1, Math.Min(1000, maxParameters / columns.Length));
        foreach (var chunk in rows.Chunk(perStatement))
        {
            var statement = new Statement(returns).Sql($"INSERT INTO {table.Name} ({string.Join(", ", columns)}) VALUES ");
            for (var i = 0; i < chunk.Length; i++) (i > 0 ? statement.Sql(", ") : statement).Tuple(chunk[i]);
            statements.Add(statement.Sql(tail));
        }
    }
}
