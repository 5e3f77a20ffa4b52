using System.Globalization;
using System.Net.Http.Headers;
using Grassroots.Domain.Branches;
using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Reconciliation;
using Grassroots.Silo.Hosting;
using Grassroots.Silo.Imports;
using Grassroots.Silo.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Grassroots.ImportBench;

/// <summary>
/// The service in this process over a fresh PostgreSQL database, a generated CSV of study sessions imported over HTTP,
/// and beside it, in the same run, the same rows written by plain 100-row INSERT statements into a table of the same shape.
/// </summary>
public static class ImportBench
{
    private const string Campaign = StudySessionFiles.Campaign;
    private static readonly DateOnly Starts = StudySessionFiles.Starts;
    private static readonly string[] Counties = ["630102", "630103", "630104", "440103", "440104", "440112", "110101", "110102", "310101", "510104"];

    public static async Task<int> RunAsync(ImportBenchOptions options)
    {
        var admin = new NpgsqlConnectionStringBuilder(options.Postgres);
        var name = "grassroots_importbench_" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        await AdminAsync(admin.ConnectionString, $"CREATE DATABASE \"{name}\"");
        var connectionString = new NpgsqlConnectionStringBuilder(options.Postgres) { Database = name }.ConnectionString;
        try
        {
            await using var app = await StartServiceAsync(connectionString);
            var services = app.Services;
            var hqKey = (await services.GetRequiredService<ApiKeyStore>().CreateAsync(Roles.Hq, "CN", "import bench", "bench")).Key;
            var grains = services.GetRequiredService<IGrainFactory>();
            await grains.GetGrain<ICampaignGrain>(Campaign).PutAsync(new Campaign(Campaign, "导入测速", Starts, null, null), "bench");
            for (var b = 0; b < options.Branches; b++)
                await grains.GetGrain<IBranchGrain>(BranchId(b)).PutAsync(new BranchProfile($"测速工会 {b}", Counties[b % Counties.Length], null, 100, "enterprise"), "bench");

            var csv = StudySessionFiles.Csv(options.Rows, options.Branches, "s");
            var xlsx = StudySessionFiles.Xlsx(options.XlsxRows, options.Branches, "x");
            var address = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(30) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", hqKey);
            await DescribeAsync(connectionString, options, csv.Length, xlsx.Length);

            await WarmUpAsync(http, options);

            using var commits = new CommitProfile();
            var costs = await ProcessCosts.ForAsync(connectionString);
            Console.WriteLine($"GC: {ProcessCosts.GcMode} (set with DOTNET_gcServer / DOTNET_GCDynamicAdaptationMode before dotnet run)");
            var phases = new List<Phase>
            {
                await ImportAsync(http, csv, "text/csv", "dry run (read, check; nothing stored)", "&dryRun=true", commits, costs, options, "dry"),
                await ImportAsync(http, csv, "text/csv", "import of new rows", "", commits, costs, options, "import"),
                await ImportAsync(http, csv, "text/csv", "same file again (all unchanged)", "", commits, costs, options, "again"),
                await ImportAsync(http, xlsx, ImportFormat.XlsxMediaType, "Excel sheet of new rows (.xlsx)", "", commits, costs, options with { Rows = options.XlsxRows }, "xlsx"),
            };
            var inserts = await InsertAsync(connectionString, options, costs);
            var copy = await CopyAsync(connectionString, options, costs);

            var differences = await services.GetRequiredService<Reconciler>().CompareAsync();
            Console.WriteLine();
            Console.WriteLine($"results, {options.Rows:N0} rows over {options.Branches} branches ({csv.Length / 1048576.0:0.0} MiB of CSV), " +
                $"and a sheet of {options.XlsxRows:N0} rows ({xlsx.Length / 1048576.0:0.0} MiB of .xlsx)");
            Console.WriteLine("| phase | time | rows/s | service CPU µs/row | PostgreSQL CPU µs/row | allocated B/row | working set growth | imported / updated / unchanged / rejected |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---|");
            foreach (var (label, rows, result, cost) in phases)
                Console.WriteLine($"| {label} | {cost.Seconds:0.00} s | {rows / cost.Seconds:N0} | {cost.CpuMicros:N1} | {cost.PostgresMicros:N1} | {cost.AllocatedBytes:N0} | " +
                    $"{cost.PeakGrowthMiB:N0} MiB | {result.Imported:N0} / {result.Updated:N0} / {result.Unchanged:N0} / {result.Rejected:N0} |");
            foreach (var (label, cost) in new[] { ($"baseline: 100-row INSERTs, {options.InsertConnections} connections", inserts), ("baseline: binary COPY, 1 connection", copy) })
                Console.WriteLine($"| {label} | {cost.Seconds:0.00} s | {options.Rows / cost.Seconds:N0} | {cost.CpuMicros:N1} (client) | {cost.PostgresMicros:N1} | {cost.AllocatedBytes:N0} | | |");
            var first = phases[1];
            Console.WriteLine($"import / INSERTs: {inserts.Seconds / first.Cost.Seconds:0.00}x; import / COPY: {copy.Seconds / first.Cost.Seconds:0.00}x");
            Console.WriteLine($"reconcile: {(differences.Count == 0 ? "no differences" : $"{differences.Count} rows differ")}");
            await app.StopAsync();
            return phases[1].Result.Imported == options.Rows && phases[2].Result.Unchanged == options.Rows && phases[3].Result.Imported == options.XlsxRows
                && differences.Count == 0 ? 0 : 1;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await AdminAsync(admin.ConnectionString, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    private const int WarmUpRows = 10_000;

    /// <summary>
    /// A service that has run a while: each path a phase takes (dry run, new rows, unchanged rows, an Excel sheet) is run
    /// on rows of its own (ids w…, of the same branches) until a round makes the JIT compile fewer than
    /// <see cref="SettledMethods"/> methods, so the phases measure compiled code and not the tiered JIT's work, and pools
    /// and caches are filled.
    /// </summary>
    private static async Task WarmUpAsync(HttpClient http, ImportBenchOptions options)
    {
        var rounds = 0;
        var paths = new (Func<int, byte[]> File, string MediaType, string Query)[]
        {
            (_ => StudySessionFiles.Csv(WarmUpRows, options.Branches, "w"), "text/csv", "&dryRun=true"),
            (round => StudySessionFiles.Csv(WarmUpRows, options.Branches, $"w{round}-"), "text/csv", ""),
            (_ => StudySessionFiles.Csv(WarmUpRows, options.Branches, "w1-"), "text/csv", ""),
            (round => StudySessionFiles.Xlsx(WarmUpRows, options.Branches, $"x{round}-"), ImportFormat.XlsxMediaType, ""),
        };
        foreach (var (file, mediaType, query) in paths)
        {
            for (var round = 1; round <= 20; round++)
            {
                var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
                await PostAsync(http, file(round), mediaType, query);
                rounds++;
                if (System.Runtime.JitInfo.GetCompiledMethodCount() - compiled < SettledMethods) break;
            }
        }
        Console.WriteLine($"warm-up: {rounds} rounds of {WarmUpRows:N0} rows; {System.Runtime.JitInfo.GetCompiledMethodCount():N0} methods compiled so far");
    }

    private const int SettledMethods = 20;

    private static string BranchId(int b) => StudySessionFiles.BranchId(b);

    private sealed record Phase(string Label, long Rows, ImportResult Result, Cost Cost);

    private static async Task<Phase> ImportAsync(HttpClient http, byte[] body, string mediaType, string label, string query, CommitProfile commits,
        ProcessCosts costs, ImportBenchOptions options, string profileName)
    {
        var profile = options.Perf is { } perf ? new ImportProfile($"{perf}.{profileName}.data") : null;
        using var allocations = options.Allocations ? new AllocationProfile() : null;
        commits.Take();
        profile?.Start();
        allocations?.Start();
        costs.Start();
        var result = await PostAsync(http, body, mediaType, query);
        var cost = costs.Stop(options.Rows);
        allocations?.Report(label, options.Rows);
        var (batches, units, commitSeconds) = commits.Take();
        Console.WriteLine($"  [{label}] {cost.Seconds:0.00} s; group commit: {batches:N0} transactions of {(batches == 0 ? 0 : units / (double)batches):0.0} units, " +
            $"{commitSeconds:0.00} s writing and committing; {cost}");
        if (profile is not null) await profile.ReportAsync(cost.CpuMicros, label);
        return new Phase(label, options.Rows, result, cost);
    }

    private static async Task<ImportResult> PostAsync(HttpClient http, byte[] body, string mediaType, string query)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await http.PostAsync($"/api/imports?type=study-sessions{query}", content);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode}: {text}");
        return System.Text.Json.JsonSerializer.Deserialize<ImportResult>(text, System.Text.Json.JsonSerializerOptions.Web)!;
    }

    /// <summary>The same rows into a copy of study_sessions (same columns, key and indexes), 100 rows a statement, autocommit.</summary>
    private static async Task<Cost> InsertAsync(string connectionString, ImportBenchOptions options, ProcessCosts costs)
    {
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE TABLE bench_study_sessions (LIKE study_sessions INCLUDING ALL)", connection);
            await create.ExecuteNonQueryAsync();
        }
        const int perStatement = 100;
        const string columns = "branch_id, session_id, campaign_id, region_code, title, held_on, format, kind, attendees, frontline, youth, women, " +
            "online_views, notes, voided, void_reason, created_at, updated_at, version, created_by";
        var sql = $"INSERT INTO bench_study_sessions ({columns}) VALUES " + string.Join(", ",
            Enumerable.Range(0, perStatement).Select(r => "(" + string.Join(", ", Enumerable.Range(1, 20).Select(c => $"${r * 20 + c}")) + ")"));
        var statements = options.Rows / perStatement;
        var next = -1;
        var now = DateTime.UtcNow;
        costs.Start();
        await Task.WhenAll(Enumerable.Range(0, options.InsertConnections).Select(async _ =>
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            int s;
            while ((s = Interlocked.Increment(ref next)) < statements)
            {
                await using var insert = new NpgsqlCommand(sql, connection);
                for (var i = s * perStatement; i < (s + 1) * perStatement; i++)
                {
                    var total = 10 + i % 90;
                    object?[] values = [$"bench-{i % options.Branches:0000}", $"s{i:000000}", Campaign, Counties[i % Counties.Length],
                        $"学习贯彻劳模表彰大会精神第{i}场", Starts.AddDays(i % 300), "offline", "group-study", total, total / 2, total / 3, total / 4,
                        i % 7, null, false, null, now, now, 1L, "key:bench"];
                    foreach (var value in values) insert.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
                }
                await insert.ExecuteNonQueryAsync();
            }
        }));
        var cost = costs.Stop(options.Rows, "client");
        Console.WriteLine($"  [100-row INSERTs] {cost.Seconds:0.00} s; {cost}");
        return cost;
    }

    /// <summary>
    /// The same rows by binary COPY (Npgsql's BeginBinaryImport) from one connection into another copy of study_sessions
    /// (same columns, key and indexes): the fastest way PostgreSQL takes rows, and so the strongest baseline for an import.
    /// </summary>
    private static async Task<Cost> CopyAsync(string connectionString, ImportBenchOptions options, ProcessCosts costs)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("CREATE TABLE bench_study_sessions_copy (LIKE study_sessions INCLUDING ALL)", connection))
            await create.ExecuteNonQueryAsync();
        var now = DateTime.UtcNow;
        costs.Start();
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY bench_study_sessions_copy (branch_id, session_id, campaign_id, region_code, title, held_on, format, kind, attendees, frontline, " +
            "youth, women, online_views, notes, voided, void_reason, created_at, updated_at, version, created_by) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < options.Rows; i++)
            {
                var total = 10 + i % 90;
                await writer.StartRowAsync();
                await writer.WriteAsync($"bench-{i % options.Branches:0000}");
                await writer.WriteAsync($"s{i:000000}");
                await writer.WriteAsync(Campaign);
                await writer.WriteAsync(Counties[i % Counties.Length]);
                await writer.WriteAsync($"学习贯彻劳模表彰大会精神第{i}场");
                await writer.WriteAsync(Starts.AddDays(i % 300));
                await writer.WriteAsync("offline");
                await writer.WriteAsync("group-study");
                foreach (var figure in new[] { total, total / 2, total / 3, total / 4, i % 7 }) await writer.WriteAsync(figure);
                await writer.WriteNullAsync();
                await writer.WriteAsync(false);
                await writer.WriteNullAsync();
                await writer.WriteAsync(now, NpgsqlTypes.NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(now, NpgsqlTypes.NpgsqlDbType.TimestampTz);
                await writer.WriteAsync(1L);
                await writer.WriteAsync("key:bench");
            }
            await writer.CompleteAsync();
        }
        var cost = costs.Stop(options.Rows, "client");
        Console.WriteLine($"  [binary COPY] {cost.Seconds:0.00} s; {cost}");
        return cost;
    }

    private static async Task<WebApplication> StartServiceAsync(string connectionString)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = connectionString,
            ["Storage:Shard"] = "bench",
            ["Demo:Load"] = "false",
            ["Cluster:Membership"] = "Localhost",
            ["Cluster:SiloPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["Cluster:GatewayPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
            ["urls"] = "http://127.0.0.1:0",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Grassroots", LogLevel.Information);
        builder.AddGrassroots();
        var app = builder.Build();
        app.MapGrassroots();
        await app.StartAsync();
        return app;
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task DescribeAsync(string connectionString, ImportBenchOptions options, long bytes, long xlsxBytes)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT version(), current_setting('fsync'), current_setting('synchronous_commit'), current_setting('shared_buffers')", connection);
        await using var reader = await query.ExecuteReaderAsync();
        await reader.ReadAsync();
        Console.WriteLine($"server: {reader.GetString(0)}");
        Console.WriteLine($"fsync={reader.GetString(1)} synchronous_commit={reader.GetString(2)} shared_buffers={reader.GetString(3)}");
        Console.WriteLine($"client: {Environment.ProcessorCount} cores, .NET {Environment.Version}; rows={options.Rows} branches={options.Branches} csv={bytes:N0} bytes xlsx={xlsxBytes:N0} bytes");
    }

    private static async Task AdminAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
