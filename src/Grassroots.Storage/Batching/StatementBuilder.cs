namespace Grassroots.Storage.Batching;

/// <summary>
/// Turns the accepted writes of a batch into few multi-row statements: one per table and kind, in the order
/// tables first appear (so parents are written before children). Increments to one row are summed and
/// later puts or upserts of one row win, so no statement touches a row twice.
/// Guarded, versioned puts carry their own check (insert only where absent, update only where the stored
/// version is the expected one) and return a <see cref="GuardMark"/> row for each row they wrote.
/// Given the columns' types (PostgreSQL), a statement sends its rows as one array per column, whatever their number;
/// otherwise as a VALUES list of rows of parameters, split to stay under the driver's limit.
/// </summary>
internal static class StatementBuilder
{
    /// <summary>First column of the row a guarded put returns for each row it wrote.</summary>
    public const string GuardMark = "#guard";

    public static List<Statement> Build(IReadOnlyList<RowWrite> writes, long seq, int maxParameters, bool guarded = false,
        Func<Table, string, string>? arrays = null)
    {
        var guard = guarded ? $" RETURNING '{GuardMark}'" : "";
        // A row put more than once in one batch (only the locking path, which has checked every version, writes such a
        // batch) is written once, as its last put, by the upsert: an INSERT of its first version could otherwise run after
        // the upsert of a later one, since statements follow the first appearance of each table and kind, not of each row.
        var repeated = writes.OfType<VersionedPut>().GroupBy(p => RowKey.Of(p.Table, p.Key)).Where(g => g.Skip(1).Any())
            .Select(g => g.Key).ToHashSet();
        var statements = new List<Statement>();
        foreach (var group in writes.GroupBy(w => (w.Table, Kind: KindOf(w, repeated))))
        {
            var (table, kind) = group.Key;
            switch (kind)
            {
                case Kind.Insert:
                    Emit(statements, table, [.. group.Cast<VersionedPut>().Select(p => Row(p.Key, p.Values, p.ExpectedVersion + 1))],
                        WithVersion(table), guarded ? $" ON CONFLICT ({string.Join(", ", table.Key)}) DO NOTHING{guard}" : "", maxParameters, arrays);
                    break;
                case Kind.Update:
                    Emit(statements, table, [.. LastPerKey(group.Cast<VersionedPut>(), p => p.Key).Select(p => Row(p.Key, p.Values, p.ExpectedVersion + 1))],
                        WithVersion(table), Overwrite(table, [.. table.Values, "version"])
                            + (guarded ? $" WHERE {table.Name}.version = excluded.version - 1{guard}" : ""), maxParameters, arrays);
                    break;
                case Kind.Upsert:
                    Emit(statements, table, [.. LastPerKey(group.Cast<Upsert>(), u => u.Key).Select(u => Row(u.Key, u.Values, table.SeqColumn is null ? null : seq))],
                        WithSeq(table), Overwrite(table, [.. table.Values, .. Seq(table)]), maxParameters, arrays);
                    break;
                case Kind.Increment:
                    var sums = new Dictionary<RowKey, (object?[] Key, long[] Deltas)>();
                    foreach (var inc in group.Cast<Increment>())
                    {
                        var rowKey = RowKey.Of(table, inc.Key);
                        if (!sums.TryGetValue(rowKey, out var sum)) sums[rowKey] = sum = (inc.Key, new long[table.Values.Length]);
                        for (var i = 0; i < sum.Deltas.Length; i++) sum.Deltas[i] += inc.Deltas[i];
                    }
                    var add = string.Join(", ", table.Values.Select(c => $"{c} = {table.Name}.{c} + excluded.{c}").Concat(Seq(table).Select(c => $"{c} = excluded.{c}")));
                    var returning = $" RETURNING '{table.Name}', {string.Join(", ", table.Key.Concat(table.Values))}";
                    Emit(statements, table, [.. sums.Values.Select(s => Row(s.Key, [.. s.Deltas.Cast<object?>()], table.SeqColumn is null ? null : seq))],
                        WithSeq(table), $" ON CONFLICT ({string.Join(", ", table.Key)}) DO UPDATE SET {add}{returning}", maxParameters, arrays, returns: table);
                    break;
                case Kind.Append:
                    Emit(statements, table, [.. group.Cast<Append>().Select(a => a.Values)], table.Values, "", maxParameters, arrays);
                    break;
                case Kind.Remove:
                    foreach (var chunk in group.Cast<Remove>().Select(r => r.Key).Chunk(Math.Max(1, maxParameters / table.Key.Length)))
                    {
                        var statement = new Statement().Sql($"DELETE FROM {table.Name} WHERE ({string.Join(", ", table.Key)}) IN (");
                        for (var i = 0; i < chunk.Length; i++) (i > 0 ? statement.Sql(", ") : statement).Tuple(chunk[i]);
                        statements.Add(statement.Sql(")"));
                    }
                    break;
            }
        }
        return statements;
    }

    private enum Kind { Insert, Update, Upsert, Increment, Append, Remove }

    private static Kind KindOf(RowWrite write, HashSet<RowKey> repeated) => write switch
    {
        VersionedPut { ExpectedVersion: 0 } put when !repeated.Contains(RowKey.Of(put.Table, put.Key)) => Kind.Insert,
        VersionedPut => Kind.Update,
        Upsert => Kind.Upsert,
        Increment => Kind.Increment,
        Append => Kind.Append,
        Remove => Kind.Remove,
        _ => throw new NotSupportedException(write.GetType().Name),
    };

    private static string[] WithVersion(Table table) => [.. table.Key, .. table.Values, "version"];

    private static string[] WithSeq(Table table) => [.. table.Key, .. table.Values, .. Seq(table)];

    private static IEnumerable<string> Seq(Table table) => table.SeqColumn is null ? [] : [table.SeqColumn];

    private static string Overwrite(Table table, IReadOnlyCollection<string> columns) => columns.Count == 0
        ? $" ON CONFLICT ({string.Join(", ", table.Key)}) DO NOTHING"
        : $" ON CONFLICT ({string.Join(", ", table.Key)}) DO UPDATE SET {string.Join(", ", columns.Select(c => $"{c} = excluded.{c}"))}";

    private static object?[] Row(object?[] key, object?[] values, object? extra) =>
        extra is null ? [.. key, .. values] : [.. key, .. values, extra];

    private static IEnumerable<T> LastPerKey<T>(IEnumerable<T> writes, Func<T, object?[]> key) where T : RowWrite =>
        writes.GroupBy(w => RowKey.Of(w.Table, key(w))).Select(g => g.Last());

    private static void Emit(List<Statement> statements, Table table, List<object?[]> rows, string[] columns, string tail,
        int maxParameters, Func<Table, string, string>? arrays, Table? returns = null)
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
