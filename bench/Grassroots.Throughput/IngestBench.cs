using Grassroots.TestSupport;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Npgsql;

namespace Grassroots.Throughput;

/// <summary>
/// The service as clients meet it: the built silo as a process over a fresh PostgreSQL database (or, with --sqlite, the
/// embedded default in a temporary folder), single-record PUTs over HTTP from many connections (wrk, or HttpClient),
/// and rollup reads, beside the baselines measured in the same run on the same server: pgbench's single-row autocommit
/// INSERTs and Npgsql's single-row transactions (on SQLite, raw single-row transactions into a file of its own). Each
/// phase reports, besides its rate and latencies, the silo's CPU, bytes allocated and GC per operation over its
/// measured window; the silo can be started with each GC mode in turn.
/// </summary>
public static class IngestBench
{
    internal const string Campaign = "bench";

    public static async Task RunAsync(IngestBenchOptions options)
    {
        var dll = ServiceBuild.Dll(options.Configuration);
        if (!File.Exists(dll)) throw new FileNotFoundException($"Build the service first: dotnet build -c {options.Configuration} src/Grassroots.Silo", dll);
        var report = new IngestReport(options);
        report.Start();
        if (options.Sqlite) await OnSqliteAsync(dll, options, report);
        else await OnPostgresAsync(dll, options, report);
        report.Print();
        if (options.Sweep is not null && options.Chart is not null) SweepChart.Save(report.Sweep, options.Chart);
    }

    private static async Task OnPostgresAsync(string dll, IngestBenchOptions options, IngestReport report)
    {
        var name = "grassroots_ingest_" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        await AdminAsync(options.Postgres, $"CREATE DATABASE \"{name}\"");
        var connectionString = new NpgsqlConnectionStringBuilder(options.Postgres) { Database = name, MaxPoolSize = 100 }.ConnectionString;
        try
        {
            Console.WriteLine($"== database {name}");
            report.Server = await ServerAsync(connectionString);
            if (PgBench.Path is null) Console.WriteLine("== WARNING: pgbench is not installed (apt-get install postgresql-client): no pgbench baseline");
            await MeasureAsync(dll, ServiceSettings(name, new()
            {
                ["Storage:Provider"] = "Postgres",
                ["Storage:ConnectionString"] = connectionString,
            }), options, report, await ProcessCpu.PostgresServerPidAsync(connectionString), new PostgresActivity(connectionString), async (point, meter) =>
            {
                var results = new List<RunResult>();
                if (PgBench.Path is not null)
                    results.Add(await MeteredAsync(meter, (start, end) => RawInsert.WithTableAsync(connectionString, _ => PgBench.RunAsync(connectionString,
                        point.BaselineConnections, point.Branches, TimeSpan.FromSeconds(point.WarmupSeconds), TimeSpan.FromSeconds(point.Seconds), start, end))));
                results.Add(await MeteredAsync(meter, (start, end) => RawInsert.PostgresAsync(connectionString, point, start, end)));
                return results;
            });
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
    private static async Task OnSqliteAsync(string dll, IngestBenchOptions options, IngestReport report)
    {
        var dir = Directory.CreateTempSubdirectory("grassroots-ingest-").FullName;
        try
        {
            Console.WriteLine($"== SQLite in {dir}");
            report.Server = "SQLite (WAL, synchronous=FULL)";
            await MeasureAsync(dll, ServiceSettings(Path.GetFileName(dir), new()
            {
                ["Storage:Provider"] = "Sqlite",
                ["Storage:DataDirectory"] = Path.Combine(dir, "data"),
            }), options, report, null, null, async (point, meter) =>
                [await MeteredAsync(meter, (start, end) => RawInsert.SqliteAsync(Path.Combine(dir, "baseline.db"), point, start, end))]);
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
            ["Cluster:SiloPort"] = FreePorts.Take().ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePorts.Take().ToString(CultureInfo.InvariantCulture),
            ["Cluster:AdvertisedAddress"] = "127.0.0.1",
            ["Demo:Load"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };

    /// <summary>
    /// The first hq key and the baselines; then for each GC mode a silo process over the settings' database (seeded by
    /// the first), its runtime counters read over its diagnostic port, and the phases; reconcile at the end. In a sweep
    /// the baselines run at each point, beside the first silo, idle then.
    /// </summary>
    private static async Task MeasureAsync(string dll, Dictionary<string, string> settings, IngestBenchOptions options, IngestReport report,
        int? postgresPid, PostgresActivity? database, Func<IngestBenchOptions, CostMeter, Task<List<RunResult>>> baselines)
    {
        Console.WriteLine("== the first hq key");
        var key = await ServiceBuild.RunCommandAsync(dll, settings, "keys", "create", "--role", "hq", "--scope", "CN", "--label", "bench");
        var run = "r" + DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        var baseRoots = new Dictionary<string, int> { [PhaseCosts.LoadGroup] = Environment.ProcessId };
        if (postgresPid is { } server) baseRoots[PhaseCosts.PostgresGroup] = server;
        // The baselines first, before any silo runs: a silo started moments ago is still compiling in the background.
        if (options.Sweep is null && options.Phases.Contains('b')) report.Phases.AddRange(await baselines(options, new CostMeter(baseRoots, null, database)));
        for (var m = 0; m < options.GcModes.Count; m++)
        {
            var mode = options.GcModes[m];
            var environment = new Dictionary<string, string>(settings);
            foreach (var (name, value) in mode.Environment) environment[name] = value;
            if (options.Perf is not null) foreach (var (name, value) in SiloPerf.SiloEnvironment) environment[name] = value;
            await using var silo = await ServiceBuild.StartAsync(dll, environment);
            await using var counters = RuntimeCounters.Start(silo.Id);
            var meter = new CostMeter(new Dictionary<string, int>(baseRoots) { [PhaseCosts.SiloGroup] = silo.Id },
                new Dictionary<string, RuntimeCounters> { [PhaseCosts.SiloGroup] = counters }, database);
            Console.WriteLine($"== service pid {silo.Id} at {silo.Address}; GC {mode.Name}: {mode.Description}");
            using var http = Client(silo.Address, key, Math.Max(options.Connections, options.ReadConnections));
            var target = new SiloTarget(silo.Address, key, http);
            if (m == 0) await SeedAsync(http, options.Branches);
            var label = options.GcModes.Count > 1 ? $"[GC {mode.Name}] " : "";

            // A sweep measures the baselines and the ingest at each number of connections in turn, the baselines with as
            // many as the ingest (on SQLite with its one writer, as many as it was given).
            foreach (var connections in m == 0 ? options.Sweep ?? [] : [])
            {
                var point = options with { Connections = connections, BaselineConnections = options.Sqlite ? options.BaselineConnections : connections };
                var raw = await baselines(point, meter);
                report.Sweep.Add(new SweepPoint(connections, raw, await MeteredAsync(meter, (start, end) =>
                    PutNewSessionsAsync(target, point, $"{run}s{connections}", start, end))));
            }
            if (options.Sweep is not null) continue;
            if (options.Phases.Contains('i'))
            {
                string PerMode(string file) => options.GcModes.Count == 1 ? file : Path.ChangeExtension(file, $"{mode.Name}{Path.GetExtension(file)}");
                var trace = options.Trace is null ? null : new SiloTrace(silo.Id, PerMode(options.Trace));
                var perf = options.Perf is null ? null : new SiloPerf(silo.Id, PerMode(options.Perf));
                var allocations = options.Allocations is null ? null : new AllocationProfile(silo.Id, PerMode(options.Allocations));
                var ingest = await MeteredAsync(meter, (start, end) => PutNewSessionsAsync(target, options, $"{run}g{m}",
                    () => { start(); trace?.Start(); perf?.Start(); allocations?.Start(); },
                    () => { allocations?.Stop(); perf?.Stop(); trace?.Stop(); end(); }));
                if (allocations is not null) await allocations.ReportAsync(ingest.Operations);
                if (trace is not null) report.Traces.Add(await trace.CompleteAsync());
                if (perf is not null) report.Traces.Add(await perf.ReportAsync(ingest.Costs!.CpuMicrosPerOperation(PhaseCosts.SiloGroup, ingest.Operations)));
                report.Phases.Add(ingest with { Name = label + ingest.Name });
                report.GcObserved[mode.Name] = GcMode.Observed(silo.Id);
                Console.WriteLine($"== GC {mode.Name} observed after the ingest: {report.GcObserved[mode.Name]}");
            }
            if (options.Phases.Contains('r'))
            {
                var allocations = options.ReadAllocations is null ? null : new AllocationProfile(silo.Id, options.ReadAllocations);
                foreach (var (path, name) in new[] { (NationalRollup, "national rollup read"),
                             ($"/api/rollups/440000?campaignId={Campaign}&from=2021-01-01&to=2021-06-30", "provincial rollup read, date range") })
                {
                    var profile = path == NationalRollup ? allocations : null;
                    var read = await MeteredAsync(meter, (start, end) => ReadPathAsync(target, options, path, name,
                        () => { start(); profile?.Start(); }, () => { profile?.Stop(); end(); }));
                    if (profile is not null) await profile.ReportAsync(read.Operations);
                    report.Phases.Add(read with { Name = label + read.Name });
                }
            }
        }
        Console.WriteLine("== reconcile");
        report.Reconcile = await ServiceBuild.RunCommandAsync(dll, settings, "reconcile");
        Console.WriteLine(report.Reconcile);
    }

    /// <summary>Runs a phase with the meter's window around its measured interval, and attaches the window's costs.</summary>
    internal static async Task<RunResult> MeteredAsync(CostMeter meter, Func<Action, Action, Task<RunResult>> phase)
    {
        var result = await phase(meter.Start, meter.Stop);
        return result with { Costs = await meter.CostsAsync() };
    }

    /// <summary>The silo as the load generators need it: its address, the hq key, and a client for the HttpClient generator.</summary>
    internal sealed record SiloTarget(Uri Url, string Key, HttpClient Http);

    /// <summary>
    /// PUTs of new study sessions of the bench campaign from <see cref="IngestBenchOptions.Connections"/> connections,
    /// branches round robin, each id new (<paramref name="prefix"/> keeps ids of different phases apart): through wrk, or
    /// HttpClient loops in this process.
    /// </summary>
    internal static Task<RunResult> PutNewSessionsAsync(SiloTarget target, IngestBenchOptions options, string prefix,
        Action? onMeasureStart = null, Action? onMeasureEnd = null)
    {
        if (options.Load == LoadGenerator.Http) return IngestAsync(target.Http, options, onMeasureStart, onMeasureEnd);
        var days = Enumerable.Range(0, 365).Select(d => new DateOnly(2021, 1, 1).AddDays(d)).ToList();
        var script = Wrk.PutScript(target.Key, new Wrk.Branches.Numbered(options.Branches), options.WrkThreads, SessionBodyFormat, days);
        return Wrk.RunAsync($"HTTP PUT of new study sessions, {options.Connections} connections", target.Url, script, prefix,
            options.WrkThreads, options.Connections, TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.Seconds),
            onMeasureStart, onMeasureEnd);
    }

    /// <summary>The body of a new study session, as a Lua format string: %s the day, %d the attendees (the HttpClient generator's body).</summary>
    private const string SessionBodyFormat =
        """{"campaignId":"bench","title":"集中学习劳模表彰大会讲话精神","heldOn":"%s","format":"offline","kind":"group-study","attendees":{"total":%d,"frontline":10,"youth":5,"women":8}}""";

    internal static Task<RunResult> ReadPathAsync(SiloTarget target, IngestBenchOptions options, string path, string name,
        Action? onMeasureStart = null, Action? onMeasureEnd = null) =>
        options.Load == LoadGenerator.Http
            ? ReadAsync(target.Http, options, path, name, onMeasureStart, onMeasureEnd)
            : Wrk.RunAsync($"{name}, {options.ReadConnections} connections", target.Url, Wrk.GetScript(target.Key, path), "r",
                options.WrkThreads, options.ReadConnections, TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.Seconds),
                onMeasureStart, onMeasureEnd);

    internal static async Task<string> ServerAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT current_setting('server_version'), current_setting('fsync'), " +
            "current_setting('synchronous_commit'), current_setting('shared_buffers')", connection);
        await using var reader = await query.ExecuteReaderAsync();
        await reader.ReadAsync();
        return $"PostgreSQL {reader.GetString(0)} (fsync={reader.GetString(1)}, synchronous_commit={reader.GetString(2)}, shared_buffers={reader.GetString(3)})";
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

    internal static async Task<RunResult> IngestAsync(HttpClient http, IngestBenchOptions options,
        Action? onMeasureStart = null, Action? onMeasureEnd = null)
    {
        var errors = 0L;
        var result = await TimedRun.RunAsync($"HTTP PUT of new study sessions, {options.Connections} connections", options.Connections,
            w => Task.FromResult(IngestStep(http, options.Branches, () => Interlocked.Increment(ref errors))),
            TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.Seconds), onMeasureStart, onMeasureEnd);
        if (errors > 0)
            throw new InvalidOperationException($"[{result.Name}] FAILED: {errors:N0} PUTs were not answered 201. The run's figures are not valid.");
        return result with { Generator = "HttpClient" };
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

    internal static async Task<RunResult> ReadAsync(HttpClient http, IngestBenchOptions options, string path, string name,
        Action? onMeasureStart = null, Action? onMeasureEnd = null) =>
        (await TimedRun.RunAsync($"{name}, {options.ReadConnections} connections", options.ReadConnections,
            w => Task.FromResult<Func<Task<int>>>(async () =>
            {
                using var response = await http.GetAsync(path);
                await response.Content.ReadAsByteArrayAsync();
                return response.StatusCode == HttpStatusCode.OK ? 1 : 0;
            }), TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.Seconds), onMeasureStart, onMeasureEnd)) with { Generator = "HttpClient" };

    internal static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    internal static string BranchId(int i) => $"bench-{i:D6}";

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
