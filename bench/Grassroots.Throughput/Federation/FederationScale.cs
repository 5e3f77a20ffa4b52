using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Npgsql;

namespace Grassroots.Throughput.Federation;

/// <summary>
/// The service over a loaded federation-scale database (<see cref="FederationLoad"/>): database size per million records,
/// start-up time, national and provincial rollup reads beside the same figures computed by SQL GROUP BY over the fact
/// tables in the same run (and checked equal to them), and resident memory per active branch grain.
/// </summary>
public static class FederationScale
{

    /// <summary>The national rollup's figures per province, straight from the facts (what the rollups spare a reader).</summary>
    private const string NationalGroupBy = """
        WITH r AS (
            SELECT branch_id, region_code, 1 AS a, attendees AS b, COALESCE(frontline, 0) AS c, COALESCE(youth, 0) AS d, COALESCE(women, 0) AS e,
                   0 AS f, 0 AS g, COALESCE(online_views, 0) AS h, 0 AS i, 0 AS j
              FROM study_sessions WHERE campaign_id = $1 AND NOT voided AND held_on <= CURRENT_DATE
            UNION ALL SELECT branch_id, region_code, 0, 0, 0, 0, 0, 1, audience, COALESCE(online_views, 0), 0, 0
              FROM honoree_talks WHERE campaign_id = $1 AND NOT voided AND held_on <= CURRENT_DATE
            UNION ALL SELECT branch_id, region_code, 0, 0, 0, 0, 0, 0, 0, 0, 1, COALESCE(reach, 0)
              FROM publicity_items WHERE campaign_id = $1 AND NOT voided AND published_on <= CURRENT_DATE),
        f AS (SELECT LEFT(region_code, $2) AS area, SUM(a) a, SUM(b) b, SUM(c) c, SUM(d) d, SUM(e) e, SUM(f) f, SUM(g) g, SUM(h) h,
                     SUM(i) i, SUM(j) j, COUNT(DISTINCT branch_id) k FROM r WHERE region_code LIKE $3 GROUP BY 1),
        g AS (SELECT LEFT(region_code, $2) AS area, COUNT(*) AS l FROM branches WHERE region_code LIKE $3 GROUP BY 1)
        SELECT g.area, f.a, f.b, f.c, f.d, f.e, f.f, f.g, f.h, f.i, f.j, f.k, g.l FROM g LEFT JOIN f ON f.area = g.area
        """;

    public static async Task RunAsync(string admin, string data, string database, int[] readConnections, int baselineConnections,
        int seconds, int warmup, int touch, string phases, string configuration, LoadGenerator load)
    {
        var manifest = FederationManifest.Read(data);
        var key = (await File.ReadAllTextAsync(Path.Combine(data, $"{database}.hq-key"))).Trim();
        var connectionString = FederationLoad.ConnectionString(admin, database);
        var campaign = FederationSpec.CampaignId;
        var lines = new List<string>();
        await using var source = NpgsqlDataSource.Create(connectionString);

        var (databaseBytes, tables) = await SizesAsync(source);
        Console.WriteLine($"== database {database}: {databaseBytes / 1e9:F2} GB for {manifest.Records:N0} records and {manifest.Branches:N0} branches");
        foreach (var (table, bytes) in tables) Console.WriteLine($"   {table,-20} {bytes / 1e6,10:N0} MB");
        lines.Add($"| database size | {databaseBytes / 1e9:F2} GB, {databaseBytes / 1e6 / (manifest.Records / 1e6):N0} MB per million records " +
            $"(with {manifest.Branches / (manifest.Records / 1e6) / 1000:N0}k branches per million records, indexes and the change log) | | |");

        var dll = ServiceBuild.Dll(configuration);
        var settings = FederationLoad.Settings(connectionString, database);
        var started = Stopwatch.StartNew();
        await using var silo = await ServiceBuild.StartAsync(dll, settings);
        var ready = started.Elapsed;
        using var http = IngestBench.Client(silo.Address, key, readConnections.Max(), TimeSpan.FromMinutes(5));
        var national = await GetTotalsAsync(http, $"/api/rollups/CN?campaignId={campaign}");
        var firstRead = started.Elapsed;
        Console.WriteLine($"== start-up: /readyz after {ready.TotalSeconds:F1} s, first national rollup answered after {firstRead.TotalSeconds:F1} s");
        lines.Add($"| start-up with the full data set | ready {ready.TotalSeconds:F1} s, first national read {firstRead.TotalSeconds:F1} s | | goal < 10 s |");

        var expected = FederationManifest.Figures.Select(f => manifest.NationalTotals[f]).ToArray();
        Console.WriteLine(national.SequenceEqual(expected)
            ? "   national totals equal the generator's tally"
            : $"   national totals DIFFER from the generator's tally: [{string.Join(", ", national)}] vs [{string.Join(", ", expected)}]");

        // The same figures by GROUP BY over the facts, checked equal to the service's answers, then timed.
        var province = manifest.BranchesByProvince.MaxBy(p => p.Value).Key;
        var checks = new[] { ("national", "CN", 2, "%"), ($"provincial ({province})", province, 4, province[..2] + "%") };
        foreach (var (name, code, width, like) in checks)
        {
            var children = await ChildrenAsync(http, $"/api/rollups/{code}?campaignId={campaign}");
            var grouped = await GroupByAsync(source, campaign, width, like);
            var same = grouped.All(g => children.TryGetValue(g.Key, out var c) && c.SequenceEqual(g.Value)) && grouped.Count == children.Count(c => c.Value[^1] > 0);
            Console.WriteLine($"   {name}: the service's children {(same ? "equal" : "DIFFER from")} the GROUP BY over the facts ({grouped.Count} areas)");
        }

        foreach (var (name, code, width, like) in phases.Contains('r') ? checks : [])
        {
            var path = $"/api/rollups/{code}?campaignId={campaign}";
            var baseline = await TimedRun.RunAsync($"SQL GROUP BY over the facts, {name}, {baselineConnections} connections", baselineConnections,
                _ => Task.FromResult<Func<Task<int>>>(async () =>
                {
                    await GroupByAsync(source, campaign, width, like);
                    return 1;
                }), TimeSpan.FromSeconds(Math.Min(warmup, 5)), TimeSpan.FromSeconds(seconds));
            foreach (var connections in readConnections)
            {
                var service = await TimedRun.RunAsync($"{name} rollup read, {connections} connections", connections,
                    _ => Task.FromResult<Func<Task<int>>>(async () =>
                    {
                        using var response = await http.GetAsync(path);
                        await response.Content.ReadAsByteArrayAsync();
                        return response.StatusCode == HttpStatusCode.OK ? 1 : 0;
                    }), TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(seconds));
                lines.Add($"| {name} rollup read, {connections} connections | {service.PerSecond:N0}/s, p50 {service.P50Ms:F1} ms, p99 {service.P99Ms:F1} ms | " +
                    $"GROUP BY, {baselineConnections} connections: {baseline.PerSecond:N2}/s, p50 {baseline.P50Ms:N0} ms, p99 {baseline.P99Ms:N0} ms | " +
                    $"{service.PerSecond / baseline.PerSecond:N0}× the rate, p99 {baseline.P99Ms / service.P99Ms:N0}× lower |");
            }
        }

        if (phases.Contains('c')) lines.AddRange(await ColdIngestAsync(http, silo.Address, key, connectionString, data, silo.Id, readConnections.Max(), seconds, warmup, load));
        if (phases.Contains('m') && touch > 0) lines.Add(await MemoryPerBranchAsync(http, source, silo.Id, touch));

        Console.WriteLine();
        Console.WriteLine($"| figure ({manifest.Records:N0} records, {manifest.Branches:N0} branches) | measured | baseline | ratio / goal |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var line in lines) Console.WriteLine(line);
        Console.WriteLine($"({seconds} s measured per phase after a warm-up; {Environment.ProcessorCount} cores)");
    }

    /// <summary>
    /// The evening peak's shape: new study sessions PUT to branches in a shuffled order, each branch once, so nearly every
    /// PUT meets a branch grain that is not active yet and must read its profile and its records first (through wrk: a
    /// file of the shuffled branches, dealt to its threads; or HttpClient). Beside it the baselines on the same server,
    /// pgbench's and Npgsql's single-row INSERTs; their table is dropped afterwards. The silo's CPU, allocations and GC,
    /// PostgreSQL's and the load generator's CPU, per record.
    /// </summary>
    private static async Task<string[]> ColdIngestAsync(HttpClient http, Uri url, string key, string connectionString, string data, int siloPid,
        int connections, int seconds, int warmup, LoadGenerator load)
    {
        var branches = File.ReadLines(Path.Combine(data, "branches.csv")).Skip(1).Select(l => l[..l.IndexOf(',', StringComparison.Ordinal)]).ToArray();
        new Random(7).Shuffle(branches);
        var options = new IngestBenchOptions(connectionString, Connections: connections, Seconds: seconds, WarmupSeconds: Math.Min(warmup, 5));
        var postgres = await ProcessCpu.PostgresServerPidAsync(connectionString);
        var pgbench = PgBench.Path is null ? null : await RawInsert.WithTableAsync(connectionString, _ => PgBench.RunAsync(connectionString,
            options.BaselineConnections, 2_000, TimeSpan.FromSeconds(options.WarmupSeconds), TimeSpan.FromSeconds(options.Seconds)));
        var baseline = await RawInsert.PostgresAsync(connectionString, options);
        await IngestBench.AdminAsync(connectionString, "DROP TABLE bench_sessions");
        // A campaign of its own, so the data set's campaign keeps the generator's figures for the next run.
        IngestBench.Ensure(await http.PutAsync("/api/campaigns/evening", IngestBench.Json("""{"title":"晚间集中学习","startsOn":"2021-01-01"}""")),
            HttpStatusCode.Created, HttpStatusCode.OK);
        // Every region's rollup grain loaded first, as an evening's dashboards would have: the first delta to a cold
        // county otherwise pays for loading that county's rows, which is not what this phase measures.
        var warming = Stopwatch.StartNew();
        var regions = Region.Read(Path.Combine(ServiceBuild.RepositoryRoot(), "seeds", "regions.csv"));
        await Parallel.ForEachAsync(regions, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (region, _) =>
            IngestBench.Ensure(await http.GetAsync($"/api/rollups/{region.Code}?campaignId=evening"), HttpStatusCode.OK));
        Console.WriteLine($"== the rollup grains of all {regions.Count:N0} regions loaded in {warming.Elapsed.TotalSeconds:F0} s");
        var run = DateTime.UtcNow.ToString("MMddHHmmss", CultureInfo.InvariantCulture);
        await using var counters = RuntimeCounters.Start(siloPid);
        var meter = new CostMeter(new Dictionary<string, int>
        {
            [PhaseCosts.SiloGroup] = siloPid, [PhaseCosts.PostgresGroup] = postgres, [PhaseCosts.LoadGroup] = Environment.ProcessId,
        }, new Dictionary<string, RuntimeCounters> { [PhaseCosts.SiloGroup] = counters }, new PostgresActivity(connectionString));
        var name = $"HTTP PUT of new study sessions to cold branches, {connections} connections";
        RunResult cold;
        if (load == LoadGenerator.Wrk)
        {
            var file = Path.Combine(Path.GetTempPath(), $"grassroots-cold-branches-{Environment.ProcessId}.txt");
            await File.WriteAllLinesAsync(file, branches);
            try
            {
                var script = Wrk.PutScript(key, new Wrk.Branches.FromFile(file), 2,
                    """{"campaignId":"evening","title":"晚间集中学习","heldOn":"%s","format":"offline","attendees":{"total":%d}}""", [new DateOnly(2021, 3, 1)]);
                cold = await Wrk.RunAsync(name, url, script, $"e{run}", 2, connections, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(seconds),
                    meter.Start, meter.Stop);
            }
            finally
            {
                File.Delete(file);
            }
        }
        else
        {
            var next = -1L;
            var refused = 0L;
            cold = await TimedRun.RunAsync(name, connections,
                _ => Task.FromResult<Func<Task<int>>>(async () =>
                {
                    var n = Interlocked.Increment(ref next);
                    using var response = await http.PutAsync($"/api/branches/{branches[n % branches.Length]}/study-sessions/e{run}-{n}", IngestBench.Json(
                        $$$"""{"campaignId":"evening","title":"晚间集中学习","heldOn":"2021-03-01","format":"offline","attendees":{"total":{{{20 + n % 80}}}}}"""));
                    if (response.StatusCode == HttpStatusCode.Created) return 1;
                    Interlocked.Increment(ref refused);
                    return 0;
                }), TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(seconds), meter.Start, meter.Stop);
            if (refused > 0) throw new InvalidOperationException($"[{name}] FAILED: {refused:N0} PUTs were not answered 201. The run's figures are not valid.");
            Console.WriteLine($"== {next + 1:N0} cold branches written to");
        }
        Console.WriteLine("   (they stay in the database: the ingest is part of the data set from now on)");
        var costs = await meter.CostsAsync();
        var perRecord = string.Join(", ", new[] { PhaseCosts.SiloGroup, PhaseCosts.PostgresGroup, PhaseCosts.LoadGroup, PhaseCosts.MachineGroup }
            .Select(g => $"{g} {costs.CpuMicrosPerOperation(g, cold.Operations):N0} µs"));
        var silo = costs.Silo;
        Console.WriteLine($"== CPU per record over the measured {costs.Seconds:F0} s: {perRecord}");
        return
        [
            $"| single-record PUT ingest to cold branches (each branch once), {connections} connections ({cold.Generator}) | {cold.PerSecond:N0}/s, " +
            $"p50 {cold.P50Ms:F1} ms, p99 {cold.P99Ms:F1} ms | " +
            (pgbench is null ? "" : $"pgbench single-row autocommit INSERT, {pgbench.Name.Split(", ")[^1]}: {pgbench.PerSecond:N0}/s, p99 {pgbench.P99Ms:F1} ms; ") +
            $"Npgsql single-row INSERT tx, {options.BaselineConnections} connections: {baseline.PerSecond:N0}/s, p99 {baseline.P99Ms:F1} ms | " +
            (pgbench is null ? "" : $"{cold.PerSecond / pgbench.PerSecond:F2}× pgbench, ") + $"{cold.PerSecond / baseline.PerSecond:F2}× Npgsql |",
            $"| CPU per record in that ingest | {perRecord} | | |",
            $"| PostgreSQL per record in that ingest | {costs.DatabasePerOperation(PostgresActivity.Scans, cold.Operations):F2} table scans (index or " +
            $"sequential, foreign-key checks included), {costs.DatabasePerOperation(PostgresActivity.BlocksRead, cold.Operations):F2} blocks read from " +
            $"outside shared buffers, {costs.DatabasePerOperation(PostgresActivity.Commits, cold.Operations):F3} commits | | goal: at most one read per cold record |",
            $"| silo allocations and GC in that ingest | {costs.AllocatedBytesPerOperation(cold.Operations) / 1024:N1} KB allocated per record, " +
            $"{silo?.Collections("gen0"):F1}/{silo?.Collections("gen1"):F1}/{silo?.Collections("gen2"):F2} GCs/s (gen0/1/2), GC pause {silo?.PauseFraction:P1} | | |",
        ];
    }

    /// <summary>Resident memory before and after <paramref name="touch"/> active branches' grains are activated by a read.</summary>
    private static async Task<string> MemoryPerBranchAsync(HttpClient http, NpgsqlDataSource source, int pid, int touch)
    {
        var branches = new List<string>(touch);
        await using (var command = source.CreateCommand($"SELECT branch_id FROM branch_activity ORDER BY md5(branch_id) LIMIT {touch}"))
        await using (var reader = await command.ExecuteReaderAsync())
            while (await reader.ReadAsync()) branches.Add(reader.GetString(0));
        var before = ResidentBytes(pid);
        var watch = Stopwatch.StartNew();
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < branches.Count; i = Interlocked.Increment(ref next))
            {
                using var response = await http.GetAsync($"/api/branches/{branches[i]}");
                if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET branch {branches[i]}: {(int)response.StatusCode}");
            }
        }));
        var after = ResidentBytes(pid);
        var per = (after - before) / (double)branches.Count;
        Console.WriteLine($"== {branches.Count:N0} active branches read in {watch.Elapsed.TotalSeconds:F0} s; RSS {before / 1e6:N0} → {after / 1e6:N0} MB, " +
            $"{per / 1024:F1} KiB per branch grain (each holding its records' ledger)");
        return $"| resident memory per active branch grain (with its records' ledger) | {per / 1024:F1} KiB " +
            $"({branches.Count:N0} activated, RSS {before / 1e6:N0} → {after / 1e6:N0} MB) | | goal < 4 KiB idle |";
    }

    private static long ResidentBytes(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;

    private static async Task<(long Database, List<(string Table, long Bytes)> Tables)> SizesAsync(NpgsqlDataSource source)
    {
        await using var command = source.CreateCommand("""
            SELECT pg_database_size(current_database()), c.relname, pg_total_relation_size(c.oid)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r' AND n.nspname = 'public' ORDER BY 3 DESC LIMIT 10
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var tables = new List<(string, long)>();
        long database = 0;
        while (await reader.ReadAsync())
        {
            database = reader.GetInt64(0);
            tables.Add((reader.GetString(1), reader.GetInt64(2)));
        }
        return (database, tables);
    }

    /// <summary>Per area (province, or city within a province): the twelve figures in the API's order.</summary>
    private static async Task<Dictionary<string, long[]>> GroupByAsync(NpgsqlDataSource source, string campaign, int width, string like)
    {
        await using var command = source.CreateCommand(NationalGroupBy);
        command.Parameters.Add(new NpgsqlParameter { Value = campaign });
        command.Parameters.Add(new NpgsqlParameter { Value = width });
        command.Parameters.Add(new NpgsqlParameter { Value = like });
        await using var reader = await command.ExecuteReaderAsync();
        var areas = new Dictionary<string, long[]>();
        while (await reader.ReadAsync())
            areas[reader.GetString(0).PadRight(6, '0')] = [.. Enumerable.Range(1, 12).Select(i => reader.IsDBNull(i) ? 0 : reader.GetInt64(i))];
        return areas;
    }

    private static async Task<long[]> GetTotalsAsync(HttpClient http, string path)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync(path));
        return Values(doc.RootElement.GetProperty("totals"));
    }

    private static async Task<Dictionary<string, long[]>> ChildrenAsync(HttpClient http, string path)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync(path));
        return doc.RootElement.GetProperty("children").EnumerateArray()
            .ToDictionary(c => c.GetProperty("code").GetString()!, c => Values(c.GetProperty("totals")));
    }

    private static long[] Values(JsonElement totals) => [.. FederationManifest.Figures.Select(f => totals.GetProperty(f).GetInt64())];

}
