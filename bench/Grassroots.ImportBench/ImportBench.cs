using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Rollups;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Hosting;
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
    private const string Campaign = "bench";
    private static readonly DateOnly Starts = new(2020, 11, 24);
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

            var csv = Csv(options);
            var address = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(30) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", hqKey);
            await DescribeAsync(connectionString, options, csv.Length);

            using var profile = new CommitProfile();
            var costs = await ProcessCosts.ForAsync(connectionString);
            Console.WriteLine($"GC: {ProcessCosts.GcMode} (set with DOTNET_gcServer / DOTNET_GCDynamicAdaptationMode before dotnet run)");
            var dry = await ImportAsync(http, csv, "dry run (read, check; nothing stored)", "&dryRun=true", profile, costs, options.Rows);
            var first = await ImportAsync(http, csv, "import", "", profile, costs, options.Rows);
            var again = await ImportAsync(http, csv, "same file again (all unchanged)", "", profile, costs, options.Rows);
            var inserts = await InsertAsync(connectionString, options, costs);
            var copy = await CopyAsync(connectionString, options, costs);

            var differences = await services.GetRequiredService<Reconciler>().CompareAsync();
            Console.WriteLine();
            Console.WriteLine($"results, {options.Rows:N0} rows over {options.Branches} branches, {csv.Length / 1048576.0:0.0} MiB of CSV");
            foreach (var (label, seconds, result) in new[] { dry, first, again })
                Console.WriteLine($"  {label,-40} {seconds,7:0.00} s  {options.Rows / seconds,10:N0} rows/s   " +
                    $"imported {result.Imported:N0} updated {result.Updated:N0} unchanged {result.Unchanged:N0} rejected {result.Rejected:N0}");
            Console.WriteLine($"  {$"100-row INSERTs, {options.InsertConnections} connections",-40} {inserts,7:0.00} s  {options.Rows / inserts,10:N0} rows/s");
            Console.WriteLine($"  {"binary COPY, 1 connection",-40} {copy,7:0.00} s  {options.Rows / copy,10:N0} rows/s");
            Console.WriteLine($"  import / INSERTs: {inserts / first.Seconds:0.00}x; import / COPY: {copy / first.Seconds:0.00}x");
            Console.WriteLine($"  reconcile: {(differences.Count == 0 ? "no differences" : $"{differences.Count} rows differ")}");
            await app.StopAsync();
            return first.Result.Imported == options.Rows && again.Result.Unchanged == options.Rows && differences.Count == 0 ? 0 : 1;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await AdminAsync(admin.ConnectionString, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    private static string BranchId(int b) => $"bench-{b:0000}";

    /// <summary>Study sessions in file order branch by branch, as a county federation's sheet lists them.</summary>
    private static byte[] Csv(ImportBenchOptions options)
    {
        var text = new StringBuilder(options.Rows * 110);
        text.Append("branchId,id,campaignId,title,heldOn,format,kind,attendees.total,attendees.frontline,attendees.youth,attendees.women,onlineViews\r\n");
        var perBranch = (options.Rows + options.Branches - 1) / options.Branches;
        for (var i = 0; i < options.Rows; i++)
        {
            var day = Starts.AddDays(i % 300).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var total = 10 + i % 90;
            text.Append(CultureInfo.InvariantCulture,
                $"{BranchId(i / perBranch)},s{i:000000},{Campaign},学习贯彻劳模表彰大会精神第{i}场,{day},offline,group-study,{total},{total / 2},{total / 3},{total / 4},{i % 7}\r\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static async Task<(string Label, double Seconds, ImportResult Result)> ImportAsync(HttpClient http, byte[] csv, string label,
        string query, CommitProfile profile, ProcessCosts costs, int rows)
    {
        profile.Take();
        costs.Start();
        var content = new ByteArrayContent(csv);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        var clock = Stopwatch.StartNew();
        using var response = await http.PostAsync($"/api/imports?type=study-sessions{query}", content);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode}: {body}");
        var seconds = clock.Elapsed.TotalSeconds;
        var cost = costs.Stop(rows);
        var result = System.Text.Json.JsonSerializer.Deserialize<ImportResult>(body, System.Text.Json.JsonSerializerOptions.Web)!;
        var (batches, units, commitSeconds) = profile.Take();
        Console.WriteLine($"  [{label}] {seconds:0.00} s; group commit: {batches:N0} transactions of {(batches == 0 ? 0 : units / (double)batches):0.0} units, " +
            $"{commitSeconds:0.00} s writing and committing; {cost}");
        return (label, seconds, result);
    }

    /// <summary>The same rows into a copy of study_sessions (same columns, key and indexes), 100 rows a statement, autocommit.</summary>
    private static async Task<double> InsertAsync(string connectionString, ImportBenchOptions options, ProcessCosts costs)
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
        var clock = Stopwatch.StartNew();
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
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"  [100-row INSERTs] {seconds:0.00} s; {costs.Stop(options.Rows, "client")}");
        return seconds;
    }

    /// <summary>
    /// The same rows by binary COPY (Npgsql's BeginBinaryImport) from one connection into another copy of study_sessions
    /// (same columns, key and indexes): the fastest way PostgreSQL takes rows, and so the strongest baseline for an import.
    /// </summary>
    private static async Task<double> CopyAsync(string connectionString, ImportBenchOptions options, ProcessCosts costs)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using (var create = new NpgsqlCommand("CREATE TABLE bench_study_sessions_copy (LIKE study_sessions INCLUDING ALL)", connection))
            await create.ExecuteNonQueryAsync();
        var now = DateTime.UtcNow;
        costs.Start();
        var clock = Stopwatch.StartNew();
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
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"  [binary COPY] {seconds:0.00} s; {costs.Stop(options.Rows, "client")}");
        return seconds;
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

    private static async Task DescribeAsync(string connectionString, ImportBenchOptions options, long bytes)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT version(), current_setting('fsync'), current_setting('synchronous_commit'), current_setting('shared_buffers')", connection);
        await using var reader = await query.ExecuteReaderAsync();
        await reader.ReadAsync();
        Console.WriteLine($"server: {reader.GetString(0)}");
        Console.WriteLine($"fsync={reader.GetString(1)} synchronous_commit={reader.GetString(2)} shared_buffers={reader.GetString(3)}");
        Console.WriteLine($"client: {Environment.ProcessorCount} cores, .NET {Environment.Version}; rows={options.Rows} branches={options.Branches} csv={bytes:N0} bytes");
    }

    private static async Task AdminAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
