using System.Data.Common;

namespace Grassroots.Storage;

/// <summary>
/// One database behind the service, SQLite or PostgreSQL: opens connections and knows the few
/// places where the two dialects differ. Everything else is shared SQL.
/// </summary>
public abstract class Database(StorageOptions options) : IAsyncDisposable
{
    public StorageOptions Options { get; } = options;

    public abstract string Dialect { get; }

    /// <summary>Suffix that row-locks what a SELECT reads until the transaction ends (empty where writes are serialised anyway).</summary>
    public abstract string ForUpdate { get; }

    /// <summary>Most parameters one statement may carry.</summary>
    public abstract int MaxParameters { get; }

    public abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>Starts the write transaction of a batch (SQLite takes the write lock up front).</summary>
    public abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken = default);

    /// <summary>Starts a read-only transaction whose reads all see the database as of one moment, whatever commits meanwhile.</summary>
    public abstract Task<DbTransaction> BeginSnapshotAsync(DbConnection connection, CancellationToken cancellationToken = default);

    /// <summary>Serialises schema migration across processes for the duration of <paramref name="work"/>.</summary>
    public abstract Task WithMigrationLockAsync(DbConnection connection, Func<Task> work, CancellationToken cancellationToken);

    /// <summary>True when the error is about the data of a statement (constraint, bad value), not the connection.</summary>
    public abstract bool IsDataError(Exception error);

    /// <summary>True when the error is a unique-key violation (a concurrent insert of the same row).</summary>
    public abstract bool IsUniqueViolation(Exception error);

    /// <summary>True when the whole batch should simply be tried again (deadlock, busy database).</summary>
    public abstract bool IsRetryable(Exception error);

    /// <summary>
    /// True when the driver's async methods do their I/O synchronously (Microsoft.Data.Sqlite): such work is moved
    /// to the thread pool, so a grain awaiting it never blocks an Orleans scheduler thread.
    /// </summary>
    public virtual bool BlocksOnIo => false;

    /// <summary>Runs <paramref name="work"/> on an open connection of its own, off the caller's thread where the driver blocks.</summary>
    public Task<T> WithConnectionAsync<T>(Func<DbConnection, Task<T>> work, CancellationToken cancellationToken = default)
    {
        async Task<T> RunAsync()
        {
            await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection).ConfigureAwait(false);
        }
        return BlocksOnIo ? Task.Run(RunAsync, cancellationToken) : RunAsync();
    }

    /// <summary>Runs a query written with $1, $2, … placeholders and maps each row.</summary>
    public Task<List<T>> QueryAsync<T>(string sql, IReadOnlyList<object?> args, Func<DbDataReader, T> map,
        CancellationToken cancellationToken = default) => WithConnectionAsync(async connection =>
    {
        await using var command = connection.CreateCommand();
        Bind(command, sql, args);
        return await ReadAsync(command, map, cancellationToken).ConfigureAwait(false);
    }, cancellationToken);

    /// <summary>Runs <paramref name="work"/>'s queries against one snapshot of the database (see <see cref="BeginSnapshotAsync"/>).</summary>
    public Task<T> InSnapshotAsync<T>(Func<Snapshot, Task<T>> work, CancellationToken cancellationToken = default) =>
        WithConnectionAsync(async connection =>
        {
            await using var tx = await BeginSnapshotAsync(connection, cancellationToken).ConfigureAwait(false);
            var result = await work(new Snapshot(connection, tx)).ConfigureAwait(false);
            await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }, cancellationToken);

    /// <summary>Runs a statement written with $1, $2, … placeholders outside any batch.</summary>
    public Task<int> ExecuteAsync(string sql, IReadOnlyList<object?> args, CancellationToken cancellationToken = default) =>
        WithConnectionAsync(async connection =>
        {
            await using var command = connection.CreateCommand();
            Bind(command, sql, args);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>Runs <paramref name="work"/> in a write transaction of its own and commits it.</summary>
    public Task InTransactionAsync(Func<DbConnection, DbTransaction, Task> work, CancellationToken cancellationToken = default) =>
        WithConnectionAsync(async connection =>
        {
            await using var tx = await BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
            await work(connection, tx).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>Runs a statement written with $1, $2, … placeholders inside <paramref name="tx"/>.</summary>
    public async Task<int> ExecuteAsync(DbConnection connection, DbTransaction tx, string sql, IReadOnlyList<object?> args,
        CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        Bind(command, sql, args);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<List<T>> ReadAsync<T>(DbCommand command, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) rows.Add(map(reader));
        return rows;
    }

    public static void Bind(DbCommand command, string sql, IReadOnlyList<object?> args)
    {
        var statement = new Statement().Sql(sql);
        statement.Parameters.AddRange(args);
        statement.Bind(command);
    }

    /// <summary>
    /// A list of values to match in a WHERE clause, its parameters numbered from <paramref name="first"/>: one array
    /// parameter on PostgreSQL (<c>= ANY($1)</c>, one statement text however long the list), an IN list on SQLite.
    /// </summary>
    public string InList(IReadOnlyList<string> values, out IReadOnlyList<object?> args, int first = 1)
    {
        if (Dialect == "Postgres")
        {
            args = [values.ToArray()];
            return $"= ANY(${first})";
        }
        args = [.. values];
        return $"IN ({string.Join(", ", values.Select((_, i) => $"${first + i}"))})";
    }

    /// <summary>
    /// Pairs of values as a relation with columns <paramref name="a"/> and <paramref name="b"/>, to join: two arrays on
    /// PostgreSQL, a VALUES list on SQLite. Parameters are numbered from <paramref name="first"/>.
    /// </summary>
    public string PairsRelation(IReadOnlyList<(string A, string B)> pairs, string a, string b, out IReadOnlyList<object?> args, int first = 1)
    {
        if (Dialect == "Postgres")
        {
            args = [pairs.Select(p => p.A).ToArray(), pairs.Select(p => p.B).ToArray()];
            return $"unnest(${first}::text[], ${first + 1}::text[]) AS p({a}, {b})";
        }
        args = [.. pairs.SelectMany(p => new object?[] { p.A, p.B })];
        return $"(SELECT column1 AS {a}, column2 AS {b} FROM (VALUES {string.Join(", ", pairs.Select((_, i) => $"(${first + 2 * i}, ${first + 2 * i + 1})"))})) AS p";
    }

    /// <summary>Pairs of values to match as <c>(a, b) IN …</c>, like <see cref="InList"/>: the <see cref="PairsRelation"/> of them.</summary>
    public string InPairs(IReadOnlyList<(string A, string B)> pairs, out IReadOnlyList<object?> args, int first = 1) =>
        $"IN (SELECT a, b FROM {PairsRelation(pairs, "a", "b", out args, first)})";

    /// <summary>The connection string this service connects with, for others that open their own connections (Orleans' providers).</summary>
    public static string ConnectionStringFor(StorageOptions options) =>
        options.Provider == StorageProvider.Postgres ? options.ResolveConnectionString() : SqliteDatabase.SqliteConnectionStringFor(options);

    public static Database Create(StorageOptions options) => options.Provider switch
    {
        StorageProvider.Postgres => new PostgresDatabase(options),
        _ => new SqliteDatabase(options),
    };

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

/// <summary>Queries inside one read-only snapshot transaction (<see cref="Database.InSnapshotAsync{T}"/>).</summary>
public sealed class Snapshot(DbConnection connection, DbTransaction tx)
{
    /// <summary>Runs a query written with $1, $2, … placeholders and maps each row.</summary>
    public async Task<List<T>> QueryAsync<T>(string sql, IReadOnlyList<object?> args, Func<DbDataReader, T> map,
        CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        Database.Bind(command, sql, args);
        return await Database.ReadAsync(command, map, cancellationToken).ConfigureAwait(false);
    }
}
