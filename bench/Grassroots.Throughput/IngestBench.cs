using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Grassroots.Throughput;

/// <summary>
/// The service as clients meet it: the built silo as a process over a fresh PostgreSQL database (or, with --sqlite, the
/// embedded default in a temporary folder), single-record PUTs over HTTP from many connections, and rollup reads,
/// beside the raw baseline measured in the same run — single-row INSERT transactions from
/// <see cref="IngestBenchOptions.BaselineConnections"/> connections to the same server (or SQLite file).
/// </summary>
public static class IngestBench
{
    internal const string Campaign = "bench";

    private const string BaselineTable = """
        CREATE TABLE IF NOT EXISTS bench_sessions (
            branch_id TEXT NOT NULL, session_id TEXT NOT NULL, campaign_id TEXT NOT NULL, region_code TEXT NOT NULL,
            title TEXT NOT NULL, held_on DATE NOT NULL, format TEXT NOT NULL, kind TEXT, attendees INTEGER NOT NULL,
            frontline INTEGER, youth INTEGER, women INTEGER, online_views INTEGER, notes TEXT, voided BOOLEAN NOT NULL,
            void_reason TEXT, created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL, version BIGINT NOT NULL,
            PRIMARY KEY (branch_id, session_id))
        """;

    public static async Task RunAsync(IngestBenchOptions options)
    {
        var dll = SiloProcess.Dll(options.Configuration);
        if (!File.Exists(dll)) throw new FileNotFoundException($"Build the service first: dotnet build -c {options.Configuration} src/Grassroots.Silo", dll);
        var results = options.Sqlite ? await OnSqliteAsync(dll, options) : await OnPostgresAsync(dll, options);
        Print(results, options);
        if (options.Sweep is not null && options.Chart is not null) SweepChart.Save(results, options.Sweep, options.Chart);
    }

    private static async Task<List<RunResult>> OnPostgresAsync(string dll, IngestBenchOptions options)
    {
        var name = "grassroots_ingest_" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        await AdminAsync(options.Postgres, $"CREATE DATABASE \"{name}\"");
        var connectionString = new NpgsqlConnectionStringBuilder(options.Postgres) { Database = name, MaxPoolSize = 100 }.ConnectionString;
        try
        {
            Console.WriteLine($"== database {name}");
            return await MeasureAsync(dll, ServiceSettings(name, new()
            {
                ["Storage:Provider"] = "Postgres",
                ["Storage:ConnectionString"] = connectionString,
            }), options, point => BaselineAsync(connectionString, point));
        }
        finally
        {
            await AdminAsync(options.Postgres, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    /// <summary>
    /// The embedded default (Storage:Provider=Sqlite, localhost clustering) in a fresh temporary folder: the service's
    /// database in data/, the baseline's in a file of its own beside it, so neither waits for the other's write lock.
    /// </summary>
    private static async Task<List<RunResult>> OnSqliteAsync(string dll, IngestBenchOptions options)
    {
        var dir = Directory.CreateTempSubdirectory("grassroots-ingest-").FullName;
        try
        {
            Console.WriteLine($"== SQLite in {dir}");
            return await MeasureAsync(dll, ServiceSettings(Path.GetFileName(dir), new()
            {
                ["Storage:Provider"] = "Sqlite",
                ["Storage:DataDirectory"] = Path.Combine(dir, "data"),
            }), options, point => SqliteBaselineAsync(Path.Combine(dir, "baseline.db"), point));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>The storage settings given, and what every bench silo runs with: a cluster of its own on free ports, no demo data.</summary>
    internal static Dictionary<string, string> ServiceSettings(string clusterId, Dictionary<string, string> storage, string shard = "bench-1") =>
        new(storage)
        {
            ["Storage:Shard"] = shard,
            ["Cluster:ClusterId"] = clusterId,
            ["Cluster:SiloPort"] = SiloProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = SiloProcess.FreePort().ToString(CultureInfo.InvariantCulture),
            ["Cluster:AdvertisedAddress"] = "127.0.0.1",
            ["Demo:Load"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };

    /// <summary>The first hq key, the service started over the settings' database, the phases, and reconcile.</summary>
    private static async Task<List<RunResult>> MeasureAsync(string dll, Dictionary<string, string> settings, IngestBenchOptions options,
        Func<IngestBenchOptions, Task<RunResult>> baseline)
    {
        var results = new List<RunResult>();
        Console.WriteLine("== the first hq key");
        var key = await SiloProcess.RunCommandAsync(dll, settings, "keys", "create", "--role", "hq", "--scope", "CN", "--label", "bench");
        await using var silo = await SiloProcess.StartAsync(dll, settings);
        Console.WriteLine($"== service pid {silo.Id} at {silo.Url}");
        using var http = Client(silo.Url, key, Math.Max(options.Connections, options.ReadConnections));
        await SeedAsync(http, options.Branches);

        // A sweep measures both at each number of connections in turn, the baseline with as many as the ingest
        // (on SQLite with its one writer, as many as it was given).
        foreach (var connections in options.Sweep ?? [])
        {
            var point = options with { Connections = connections, BaselineConnections = options.Sqlite ? options.BaselineConnections : connections };
            results.Add(await baseline(point));
            results.Add(await IngestAsync(http, point));
        }
        if (options.Sweep is null && options.Phases.Contains('b'))
            results.Add(await baseline(options));
        if (options.Sweep is null && options.Phases.Contains('i'))
            results.Add(await IngestAsync(http, options));
        if (options.Sweep is null && options.Phases.Contains('r'))
        {
            results.Add(await ReadAsync(http, options, NationalRollup, "national rollup read"));
            results.Add(await ReadAsync(http, options, $"/api/rollups/440000?campaignId={Campaign}&from=2021-01-01&to=2021-06-30",
                "provincial rollup read, date range"));
        }
        Console.WriteLine("== reconcile");
        Console.WriteLine(await SiloProcess.RunCommandAsync(dll, settings, "reconcile"));
        return results;
    }

    internal const string NationalRollup = $"/api/rollups/CN?campaignId={Campaign}";

    internal static HttpClient Client(Uri url, string key, int connections, TimeSpan? timeout = null)
    {
        var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        var client = new HttpClient(handler) { BaseAddress = url, Timeout = timeout ?? TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>The campaign, and branches spread over every county of the country; returns the counties used.</summary>
    internal static async Task<string[]> SeedAsync(HttpClient http, int branches)
    {
        Console.WriteLine($"== seeding a campaign and {branches:N0} branches");
        Ensure(await http.PutAsync($"/api/campaigns/{Campaign}", Json("""{"title":"学习劳模精神","startsOn":"2020-11-24"}""")), HttpStatusCode.Created);
        var counties = await CountiesAsync(http);
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < branches; i = Interlocked.Increment(ref next))
                Ensure(await http.PutAsync($"/api/branches/{BranchId(i)}",
                    Json($$"""{"name":"基层工会 {{i}}","regionCode":"{{counties[i % counties.Length]}}","memberCount":{{50 + i % 500}},"kind":"enterprise"}""")),
                    HttpStatusCode.Created);
        }));
        return counties;
    }

    private static async Task<string[]> CountiesAsync(HttpClient http)
    {
        // Two counties per province is enough to spread writes over every province and city grain.
        var counties = new List<string>();
        foreach (var province in await ChildrenAsync(http, "CN"))
        foreach (var city in (await ChildrenAsync(http, province)).Take(2))
        {
            var below = await ChildrenAsync(http, city);
            counties.Add(below.Length == 0 ? city : below[0]);
        }
        return [.. counties];
    }

    private static async Task<string[]> ChildrenAsync(HttpClient http, string code)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(await (await http.GetAsync($"/api/regions/{code}")).Content.ReadAsStringAsync());
        return [.. doc.RootElement.GetProperty("children").EnumerateArray().Select(c => c.GetProperty("code").GetString()!)];
    }

    internal static Task<RunResult> BaselineAsync(string connectionString, IngestBenchOptions options) => WithTableAsync(connectionString, async source =>
    {
        var now = DateTimeOffset.UtcNow;
        return await TimedRun.RunAsync($"raw single-row INSERT transactions, {options.BaselineConnections} connections",
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
                        new() { Value = BranchId((int)(n % options.Branches)) }, new() { Value = $"s{n}" }, new() { Value = Campaign },
                        new() { Value = "110101" }, new() { Value = "集中学习劳模表彰大会讲话精神" }, new() { Value = new DateOnly(2021, 3, 1) },
                        new() { Value = "offline" }, new() { Value = "group-study" }, new() { Value = 45 }, new() { Value = 30 },
                        new() { Value = 12 }, new() { Value = 20 }, new() { Value = DBNull.Value }, new() { Value = DBNull.Value },
                        new() { Value = false }, new() { Value = DBNull.Value }, new() { Value = now }, new() { Value = now }, new() { Value = 1L },
                    },
                };
                await insert.ExecuteNonQueryAsync();
                await tx.CommitAsync();
                return 1;
            }), TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.Seconds));
    });

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
    private static async Task<RunResult> SqliteBaselineAsync(string file, IngestBenchOptions options)
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
            return await TimedRun.RunAsync($"raw single-row INSERT transactions (SQLite, one writer at a time), {options.BaselineConnections} connection" +
                (options.BaselineConnections == 1 ? "" : "s"), options.BaselineConnections, w =>
                {
                    var connection = Open();
                    var insert = connection.CreateCommand();
                    insert.CommandText = "INSERT INTO bench_sessions VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)";
                    object?[] fixedValues = [null, null, Campaign, "110101", "集中学习劳模表彰大会讲话精神", "2021-03-01", "offline", "group-study", 45, 30,
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
                        insert.Parameters[0].Value = BranchId((int)(n % options.Branches));
                        insert.Parameters[1].Value = $"s{n}";
                        insert.ExecuteNonQuery();
                        tx.Commit();
                        return Task.FromResult(1);
                    });
                }, TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.Seconds));
        }
        finally
        {
            foreach (var connection in connections) connection.Dispose();
        }
    }

    internal static async Task<RunResult> IngestAsync(HttpClient http, IngestBenchOptions options,
        Action? onMeasureStart = null, Action? onMeasureEnd = null)
    {
        var errors = 0L;
        var result = await TimedRun.RunAsync($"HTTP PUT of new study sessions, {options.Connections} connections", options.Connections,
            w => Task.FromResult(IngestStep(http, options.Branches, () => Interlocked.Increment(ref errors))),
            TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.Seconds), onMeasureStart, onMeasureEnd);
        if (errors > 0) Console.WriteLine($"  {errors:N0} PUTs were not answered 201");
        return result;
    }

    /// <summary>One PUT of a new study session of the bench campaign, branches spread by a stride; 1 when it was created.</summary>
    internal static Func<Task<int>> IngestStep(HttpClient http, int branches, Action refused) => async () =>
    {
        var n = Interlocked.Increment(ref _ingestRecords);
        var branch = BranchId((int)(n * 7919 % branches));
        var day = new DateOnly(2021, 1, 1).AddDays((int)(n % 365));
        using var response = await http.PutAsync($"/api/branches/{branch}/study-sessions/w{n}", Json(
            $$$"""{"campaignId":"{{{Campaign}}}","title":"集中学习劳模表彰大会讲话精神","heldOn":"{{{day:yyyy-MM-dd}}}","format":"offline","kind":"group-study","attendees":{"total":{{{20 + n % 80}}},"frontline":10,"youth":5,"women":8}}"""));
        if (response.StatusCode == HttpStatusCode.Created) return 1;
        refused();
        return 0;
    };

    private static long _ingestRecords;

    internal static async Task<RunResult> ReadAsync(HttpClient http, IngestBenchOptions options, string path, string name) =>
        await TimedRun.RunAsync($"{name}, {options.ReadConnections} connections", options.ReadConnections,
            w => Task.FromResult<Func<Task<int>>>(async () =>
            {
                using var response = await http.GetAsync(path);
                await response.Content.ReadAsByteArrayAsync();
                return response.StatusCode == HttpStatusCode.OK ? 1 : 0;
            }), TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.Seconds));

    private static async Task<T> WithTableAsync<T>(string connectionString, Func<NpgsqlDataSource, Task<T>> work)
    {
        await using var source = NpgsqlDataSource.Create(connectionString);
        await using (var create = source.CreateCommand(BaselineTable)) await create.ExecuteNonQueryAsync();
        return await work(source);
    }

    private static void Print(List<RunResult> results, IngestBenchOptions options)
    {
        if (options.Sweep is not null)
        {
            Console.WriteLine();
            Console.WriteLine("| connections | raw single-row INSERT tx/s (p99) | HTTP PUT ingest records/s (p50, p99) | ratio |");
            Console.WriteLine("|---:|---:|---:|---:|");
            foreach (var (b, i, c) in results.Chunk(2).Zip(options.Sweep).Select(p => (p.First[0], p.First[1], p.Second)))
                Console.WriteLine($"| {c} | {b.PerSecond:N0} ({b.P99Ms:F1} ms) | {i.PerSecond:N0} ({i.P50Ms:F1} ms, {i.P99Ms:F1} ms) | {i.PerSecond / b.PerSecond:F2}× |");
            Console.WriteLine($"({options.Seconds} s measured after {options.WarmupSeconds} s warm-up per phase; {options.Branches:N0} branches)");
            return;
        }
        var baseline = results.FirstOrDefault(r => r.Name.StartsWith("raw", StringComparison.Ordinal));
        Console.WriteLine();
        Console.WriteLine("| phase | per second | p50 | p99 | × baseline |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var r in results)
            Console.WriteLine($"| {r.Name} | {r.PerSecond:N0} | {r.P50Ms:F1} ms | {r.P99Ms:F1} ms | " +
                $"{(baseline is null || r.Name.Contains("read", StringComparison.Ordinal) ? "" : $"{r.PerSecond / baseline.PerSecond:F2}×")} |");
        Console.WriteLine($"({options.Seconds} s measured after {options.WarmupSeconds} s warm-up per phase; {options.Branches:N0} branches)");
    }

    internal static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string BranchId(int i) => $"bench-{i:D6}";

    internal static void Ensure(HttpResponseMessage response, params HttpStatusCode[] expected)
    {
        if (!expected.Contains(response.StatusCode))
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: " +
                response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
    }

    internal static async Task AdminAsync(string admin, string sql)
    {
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

public sealed record IngestBenchOptions(
    string Postgres,
    int Connections = 64,
    int BaselineConnections = 32,
    int ReadConnections = 64,
    int Seconds = 20,
    int WarmupSeconds = 20,
    int Branches = 2_000,
    string Phases = "bir",
    string Configuration = "Release",
    int[]? Sweep = null,
    string? Chart = null,
    bool Sqlite = false)
{
    public static IngestBenchOptions? Parse(string[] args)
    {
        string? postgres = null;
        var options = new IngestBenchOptions("");
        var baselineGiven = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--sqlite")
            {
                options = options with { Sqlite = true };
                continue;
            }
            if (i + 1 == args.Length) return null;
            var (option, value) = (args[i], args[++i]);
            int Int() => int.Parse(value, CultureInfo.InvariantCulture);
            switch (option)
            {
                case "--postgres": postgres = value; break;
                case "--connections": options = options with { Connections = Int() }; break;
                case "--baseline-connections": options = options with { BaselineConnections = Int() }; baselineGiven = true; break;
                case "--read-connections": options = options with { ReadConnections = Int() }; break;
                case "--seconds": options = options with { Seconds = Int() }; break;
                case "--warmup": options = options with { WarmupSeconds = Int() }; break;
                case "--branches": options = options with { Branches = Int() }; break;
                case "--phases": options = options with { Phases = value }; break;
                case "--configuration": options = options with { Configuration = value }; break;
                case "--sweep": options = options with { Sweep = [.. value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))] }; break;
                case "--chart": options = options with { Chart = value }; break;
                default: return null;
            }
        }
        // One of the two databases; SQLite's baseline has one writer unless told otherwise.
        if (options.Sqlite == (postgres is not null)) return null;
        return options.Sqlite ? options with { BaselineConnections = baselineGiven ? options.BaselineConnections : 1 } : options with { Postgres = postgres! };
    }
}
