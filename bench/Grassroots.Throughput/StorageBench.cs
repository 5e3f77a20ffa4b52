using System.Globalization;
using Grassroots.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Grassroots.Throughput;

/// <summary>
/// Group commit against one transaction per write, on a fresh PostgreSQL database. Every phase writes bench_state rows the
/// way grains do: each writer owns <see cref="GrainsPerWriter"/> grains and writes them round robin, so each grain's first
/// write creates its row (expected version 0) and every later one updates it with the version it last wrote.
/// </summary>
public static class StorageBench
{
    /// <summary>A versioned key-value table of the bench's own, written the way grains wrote state before Orleans.</summary>
    private static readonly Table BenchState = new("bench_state", ["grain_type", "grain_key", "state_name"], ["payload"], versioned: true);

    private const string BenchStateTable = """
        CREATE TABLE bench_state (grain_type TEXT NOT NULL, grain_key TEXT NOT NULL, state_name TEXT NOT NULL,
            payload TEXT NOT NULL, version BIGINT NOT NULL, PRIMARY KEY (grain_type, grain_key, state_name))
        """;

    private const int GrainsPerWriter = 64;
    private const int RowsPerInsert = 100;

    /// <summary>A grain state of realistic size: a study session record as JSON (~300 bytes).</summary>
    private static readonly string Payload =
        """{"branchId":"b-110108-0001","sessionId":"s-2024-0001","campaignId":"campaign-1","regionCode":"110108","title":"学习贯彻全总十八大精神专题学习会","heldOn":"2024-03-15","format":"offline","kind":"study","attendees":48,"frontline":30,"youth":12,"women":20,"onlineViews":0,"voided":false}""";

    private const string VersionCheckedUpsert = """
        INSERT INTO bench_state (grain_type, grain_key, state_name, payload, version) VALUES ($1, $2, 'state', $3, $4 + 1)
        ON CONFLICT (grain_type, grain_key, state_name) DO UPDATE SET payload = excluded.payload, version = excluded.version
        WHERE bench_state.version = $4
        """;

    public static async Task RunAsync(StorageBenchOptions options)
    {
        var admin = new NpgsqlConnectionStringBuilder(options.Postgres);
        var name = "grassroots_bench_" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        await AdminAsync(admin.ConnectionString, $"CREATE DATABASE \"{name}\"");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(options.Postgres)
            {
                Database = name,
                MaxPoolSize = Math.Max(100, options.Writers + options.InsertConnections + 8),
            }.ConnectionString;
            await DescribeAsync(connectionString, options);
            var storage = new StorageOptions
            {
                Provider = StorageProvider.Postgres,
                ConnectionString = connectionString,
                Shard = "bench",
                MaxBatchSize = options.MaxBatchSize,
                MaxBatchDelay = TimeSpan.FromMilliseconds(options.MaxBatchDelayMs),
            };
            await using var database = Database.Create(storage);
            await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();
            await database.ExecuteAsync(BenchStateTable, []);

            var results = new Dictionary<char, RunResult>();
            double? meanBatch = null, batchMs = null;
            if (options.Phases.Contains('a')) results['a'] = await OneTransactionPerWriteAsync(connectionString, options);
            if (options.Phases.Contains('b')) (results['b'], meanBatch, batchMs) = await GroupCommitAsync(database, options);
            if (options.Phases.Contains('c')) results['c'] = await MultiRowInsertAsync(connectionString, options);

            Console.WriteLine();
            Console.WriteLine($"results ({options.Seconds} s measured per phase after {options.WarmupSeconds} s warm-up)");
            if (results.TryGetValue('a', out var a))
                Console.WriteLine($"  (a) one transaction per write, {options.Writers} connections: {a.PerSecond,10:N0} writes/s  p50 {a.P50Ms:0.00} ms  p99 {a.P99Ms:0.00} ms");
            if (results.TryGetValue('b', out var b))
                Console.WriteLine($"  (b) group commit, {options.Writers} writers:                 {b.PerSecond,10:N0} writes/s  p50 {b.P50Ms:0.00} ms  p99 {b.P99Ms:0.00} ms  mean batch {meanBatch:0.0} units, {batchMs:0.00} ms to write and commit one");
            if (results.TryGetValue('c', out var c))
                Console.WriteLine($"  (c) {RowsPerInsert}-row INSERTs, {options.InsertConnections} connections:          {c.PerSecond,10:N0} rows/s");
            if (a is not null && b is not null)
                Console.WriteLine($"  ratio (b)/(a): {b.PerSecond / a.PerSecond:0.00}x");
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await AdminAsync(admin.ConnectionString, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    private static async Task<RunResult> OneTransactionPerWriteAsync(string connectionString, StorageBenchOptions options)
    {
        await using var connections = new Connections(connectionString);
        return await TimedRun.RunAsync("a: one tx per write", options.Writers, async w =>
        {
            var connection = await connections.OpenAsync();
            var grains = new Grains("bench-a", w);
            return async () =>
            {
                var (key, expected) = grains.Next();
                await using var tx = await connection.BeginTransactionAsync();
                await using var upsert = new NpgsqlCommand(VersionCheckedUpsert, connection, tx);
                upsert.Parameters.Add(new NpgsqlParameter { Value = "bench-a" });
                upsert.Parameters.Add(new NpgsqlParameter { Value = key });
                upsert.Parameters.Add(new NpgsqlParameter { Value = Payload });
                upsert.Parameters.Add(new NpgsqlParameter { Value = expected });
                if (await upsert.ExecuteNonQueryAsync() != 1) throw new InvalidOperationException($"{key} was not at version {expected}");
                await tx.CommitAsync();
                grains.Written();
                return 1;
            };
        }, TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.Seconds));
    }

    private static async Task<(RunResult, double, double)> GroupCommitAsync(Database database, StorageBenchOptions options)
    {
        await using var committer = new GroupCommitter(database, NullLogger<GroupCommitter>.Instance);
        using var latency = new CommitLatency();
        long batchesAtStart = 0;
        var result = await TimedRun.RunAsync("b: group commit", options.Writers, w =>
        {
            var grains = new Grains("bench-b", w);
            return Task.FromResult<Func<Task<int>>>(async () =>
            {
                var (key, expected) = grains.Next();
                await committer.CommitAsync(new WriteUnit([new VersionedPut(BenchState, ["bench-b", key, "state"], [Payload], expected)]));
                grains.Written();
                return 1;
            });
        }, TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.Seconds), () =>
        {
            batchesAtStart = committer.CommittedBatches;
            latency.Reset();
        });
        // Batches that ran past the end of the measured interval are few against thousands; ignore them.
        var batches = committer.CommittedBatches - batchesAtStart;
        return (result, result.Operations / (double)Math.Max(1, batches), latency.MeanMs);
    }

    private static async Task<RunResult> MultiRowInsertAsync(string connectionString, StorageBenchOptions options)
    {
        await using var connections = new Connections(connectionString);
        return await TimedRun.RunAsync("c: 100-row INSERT", options.InsertConnections, async w =>
        {
            var connection = await connections.OpenAsync();
            var sql = "INSERT INTO bench_state (grain_type, grain_key, state_name, payload, version) VALUES "
                + string.Join(", ", Enumerable.Range(0, RowsPerInsert).Select(i => $"('bench-c', ${i + 1}, 'state', ${RowsPerInsert + 1}, 1)"));
            var next = 0L;
            return async () =>
            {
                await using var insert = new NpgsqlCommand(sql, connection);
                for (var i = 0; i < RowsPerInsert; i++) insert.Parameters.Add(new NpgsqlParameter { Value = $"w{w}-{next++}" });
                insert.Parameters.Add(new NpgsqlParameter { Value = Payload });
                return await insert.ExecuteNonQueryAsync();
            };
        }, TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.Seconds));
    }

    /// <summary>One writer's grains, written round robin, with the version each is at.</summary>
    private sealed class Grains(string type, int writer)
    {
        private readonly long[] _versions = new long[GrainsPerWriter];
        private readonly string[] _keys = [.. Enumerable.Range(0, GrainsPerWriter).Select(g => $"{type}-w{writer}-g{g}")];
        private int _next;

        public (string Key, long Expected) Next() => (_keys[_next], _versions[_next]);

        public void Written()
        {
            _versions[_next]++;
            _next = (_next + 1) % GrainsPerWriter;
        }
    }

    /// <summary>A pool the workers of one phase each hold a connection from, all closed when the phase ends.</summary>
    private sealed class Connections(string connectionString) : IAsyncDisposable
    {
        private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);
        private readonly System.Collections.Concurrent.ConcurrentBag<NpgsqlConnection> _open = [];

        public async Task<NpgsqlConnection> OpenAsync()
        {
            var connection = await _source.OpenConnectionAsync();
            _open.Add(connection);
            return connection;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var connection in _open) await connection.DisposeAsync();
            await _source.DisposeAsync();
        }
    }

    private static async Task DescribeAsync(string connectionString, StorageBenchOptions options)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand(
            "SELECT version(), current_setting('fsync'), current_setting('synchronous_commit'), current_setting('wal_sync_method'), current_setting('shared_buffers')",
            connection);
        await using var reader = await query.ExecuteReaderAsync();
        await reader.ReadAsync();
        Console.WriteLine($"server: {reader.GetString(0)}");
        Console.WriteLine($"fsync={reader.GetString(1)} synchronous_commit={reader.GetString(2)} wal_sync_method={reader.GetString(3)} shared_buffers={reader.GetString(4)}");
        Console.WriteLine($"client: {Environment.ProcessorCount} cores, .NET {Environment.Version}; writers={options.Writers} " +
            $"max-batch-size={options.MaxBatchSize} max-batch-delay={options.MaxBatchDelayMs} ms grains/writer={GrainsPerWriter}");
    }

    private static async Task AdminAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
