using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Grassroots.Throughput;

/// <summary>
/// The raw baselines in this process: single-row INSERT transactions of the study_sessions shape, through Npgsql on
/// PostgreSQL, or Microsoft.Data.Sqlite into a SQLite file with the service's pragmas.
/// </summary>
public static class RawInsert
{
    private const string BaselineTable = """
        CREATE TABLE IF NOT EXISTS bench_sessions (
            branch_id TEXT NOT NULL, session_id TEXT NOT NULL, campaign_id TEXT NOT NULL, region_code TEXT NOT NULL,
            title TEXT NOT NULL, held_on DATE NOT NULL, format TEXT NOT NULL, kind TEXT, attendees INTEGER NOT NULL,
            frontline INTEGER, youth INTEGER, women INTEGER, online_views INTEGER, notes TEXT, voided BOOLEAN NOT NULL,
            void_reason TEXT, created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL, version BIGINT NOT NULL,
            PRIMARY KEY (branch_id, session_id))
        """;

    /// <summary>
    /// BEGIN, one INSERT of a study-session row, COMMIT, from <see cref="IngestBenchOptions.BaselineConnections"/> pooled
    /// Npgsql connections: what the service's group commit replaces, measured by the same client library it uses.
    /// </summary>
    public static Task<RunResult> PostgresAsync(string connectionString, IngestBenchOptions options, Action? onMeasureStart = null,
        Action? onMeasureEnd = null) => WithTableAsync(connectionString, async source => (await NpgsqlInsertsAsync(source, options, onMeasureStart, onMeasureEnd)) with
        {
            Generator = "Npgsql",
        });

    private static async Task<RunResult> NpgsqlInsertsAsync(NpgsqlDataSource source, IngestBenchOptions options, Action? onMeasureStart,
        Action? onMeasureEnd)
    {
        var now = DateTimeOffset.UtcNow;
        return await TimedRun.RunAsync($"Npgsql single-row BEGIN/INSERT/COMMIT, {options.BaselineConnections} connections",
            options.BaselineConnections, w => Task.FromResult<Func<Task<int>>>(async () =>
            {
                var n = Interlocked.Increment(ref _baselineRows);
                await using var connection = await source.OpenConnectionAsync();
                await using var tx = await connection.BeginTransactionAsync();
                await using var insert = new NpgsqlCommand(
                    "INSERT INTO bench_sessions VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
                    connection, tx)
                {
                    Parameters =
                    {
                        new() { Value = IngestBench.BranchId((int)(n % options.Branches)) }, new() { Value = $"s{n}" }, new() { Value = IngestBench.Campaign },
                        new() { Value = "110101" }, new() { Value = "集中学习劳模表彰大会讲话精神" }, new() { Value = new DateOnly(2021, 3, 1) },
                        new() { Value = "offline" }, new() { Value = "group-study" }, new() { Value = 45 }, new() { Value = 30 },
                        new() { Value = 12 }, new() { Value = 20 }, new() { Value = DBNull.Value }, new() { Value = DBNull.Value },
                        new() { Value = false }, new() { Value = DBNull.Value }, new() { Value = now }, new() { Value = now }, new() { Value = 1L },
                    },
                };
                await insert.ExecuteNonQueryAsync();
                await tx.CommitAsync();
                return 1;
            }), TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.Seconds), onMeasureStart, onMeasureEnd);
    }

    private static long _baselineRows;


    /// <summary>The baseline's table in SQLite, with the column types of the service's own study_sessions (migration 0002).</summary>
    private const string SqliteBaselineTable = """
        CREATE TABLE IF NOT EXISTS bench_sessions (
            branch_id TEXT NOT NULL, session_id TEXT NOT NULL, campaign_id TEXT NOT NULL, region_code TEXT NOT NULL,
            title TEXT NOT NULL, held_on TEXT NOT NULL, format TEXT NOT NULL, kind TEXT, attendees INTEGER NOT NULL,
            frontline INTEGER, youth INTEGER, women INTEGER, online_views INTEGER, notes TEXT, voided INTEGER NOT NULL,
            void_reason TEXT, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, version BIGINT NOT NULL,
            PRIMARY KEY (branch_id, session_id))
        """;

    /// <summary>
    /// Raw single-row INSERT transactions into a SQLite file with the service's pragmas (WAL, synchronous=FULL: an fsync
    /// per commit) and its write transactions (BEGIN IMMEDIATE). SQLite lets one connection write at a time, so more
    /// connections only queue on the lock (and sleep in its busy handler): the default is one. Each connection keeps
    /// its command prepared, which makes this the strongest baseline.
    /// </summary>
    public static async Task<RunResult> SqliteAsync(string file, IngestBenchOptions options, Action? onMeasureStart = null, Action? onMeasureEnd = null)
    {
        var connectionString = new SqliteConnectionStringBuilder { DataSource = file, Pooling = false, DefaultTimeout = 30 }.ToString();
        var connections = new List<SqliteConnection>();
        SqliteConnection Open()
        {
            var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var pragmas = connection.CreateCommand();
            pragmas.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
            pragmas.ExecuteNonQuery();
            lock (connections) connections.Add(connection);
            return connection;
        }
        using (var create = Open().CreateCommand())
        {
            create.CommandText = SqliteBaselineTable;
            create.ExecuteNonQuery();
        }
        try
        {
            var now = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture);
            return (await TimedRun.RunAsync($"raw single-row INSERT transactions (SQLite, one writer at a time), {options.BaselineConnections} connection" +
                (options.BaselineConnections == 1 ? "" : "s"), options.BaselineConnections, w =>
                {
                    var connection = Open();
                    var insert = connection.CreateCommand();
                    insert.CommandText = "INSERT INTO bench_sessions VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)";
                    object?[] fixedValues = [null, null, IngestBench.Campaign, "110101", "集中学习劳模表彰大会讲话精神", "2021-03-01", "offline", "group-study", 45, 30,
                        12, 20, DBNull.Value, DBNull.Value, 0, DBNull.Value, now, now, 1L];
                    foreach (var (value, i) in fixedValues.Select((v, i) => (v, i)))
                        insert.Parameters.AddWithValue($"${i + 1}", value ?? DBNull.Value);
                    insert.Prepare();
                    return Task.FromResult<Func<Task<int>>>(() =>
                    {
                        // Microsoft.Data.Sqlite's async methods run synchronously anyway; each worker is a thread-pool thread.
                        var n = Interlocked.Increment(ref _baselineRows);
                        using var tx = connection.BeginTransaction(deferred: false);
                        insert.Transaction = tx;
                        insert.Parameters[0].Value = IngestBench.BranchId((int)(n % options.Branches));
                        insert.Parameters[1].Value = $"s{n}";
                        insert.ExecuteNonQuery();
                        tx.Commit();
                        return Task.FromResult(1);
                    });
                }, TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.Seconds), onMeasureStart, onMeasureEnd)) with { Generator = "Microsoft.Data.Sqlite" };
        }
        finally
        {
            foreach (var connection in connections) connection.Dispose();
        }
    }

    /// <summary>The baseline's table, created if missing: it is the table pgbench's script inserts into, too.</summary>
    internal static async Task<T> WithTableAsync<T>(string connectionString, Func<NpgsqlDataSource, Task<T>> work)
    {
        await using var source = NpgsqlDataSource.Create(connectionString);
        await using (var create = source.CreateCommand(BaselineTable)) await create.ExecuteNonQueryAsync();
        return await work(source);
    }

}
