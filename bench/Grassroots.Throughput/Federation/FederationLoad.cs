using System.Diagnostics;
using System.Net;
using System.Text;
using Npgsql;

namespace Grassroots.Throughput.Federation;

/// <summary>
/// Loads a generated data set into a fresh PostgreSQL database. The service itself creates the schema, the regions, the
/// campaign and the honorees (over HTTP); then either
/// <list type="bullet">
/// <item><c>import</c>: every CSV goes through the service's import path (the `import` command), as a federation would
/// load it — the honest path, at the import rate (docs/benchmarks.md);</item>
/// <item><c>direct</c>: the CSVs are copied into the fact tables with COPY and every derived table (change log,
/// branch activity, rollups) is computed by SQL with the rules the service applies, under one writer shard of its own
/// ("bulk-load"). Minutes instead of hours for 10 million records; the service's <c>reconcile</c> then checks that the
/// rollups equal a recount of the facts.</item>
/// </list>
/// </summary>
public static class FederationLoad
{
    public const string BulkShard = "bulk-load";
    private static readonly string[] RecordFiles = ["study-sessions", "honoree-talks", "publicity"];

    public static async Task RunAsync(string admin, string data, string database, string via, string configuration)
    {
        var manifest = FederationManifest.Read(data);
        Console.WriteLine($"== {manifest.Branches:N0} branches and {manifest.Records:N0} records from {data} into database {database}, via {via}");
        await IngestBench.AdminAsync(admin, $"CREATE DATABASE \"{database}\"");
        var connectionString = ConnectionString(admin, database);
        var dll = ServiceBuild.Dll(configuration);
        var settings = Settings(connectionString, database);
        var key = await ServiceBuild.RunCommandAsync(dll, settings, "keys", "create", "--role", "hq", "--scope", "CN", "--label", "federation-load");
        await File.WriteAllTextAsync(Path.Combine(data, $"{database}.hq-key"), key);
        var total = Stopwatch.StartNew();
        await using (var silo = await ServiceBuild.StartAsync(dll, settings))
        {
            await SetUpAsync(silo.Address, key, data);
            if (via == "import")
            {
                foreach (var type in (string[])["branches", .. RecordFiles])
                {
                    var watch = Stopwatch.StartNew();
                    Console.WriteLine($"== import {type}.csv");
                    Console.WriteLine(await ServiceBuild.RunCommandAsync(dll, settings, "import", Path.Combine(data, $"{type}.csv"),
                        "--url", silo.Address.ToString(), "--key", key, "--type", type));
                    Console.WriteLine($"   {type}: {watch.Elapsed.TotalSeconds:F0} s");
                }
            }
        }
        if (via == "direct") await DirectAsync(connectionString, data);
        Console.WriteLine($"== loaded in {total.Elapsed.TotalMinutes:F1} min; reconcile (recounts every fact)");
        var watchReconcile = Stopwatch.StartNew();
        Console.WriteLine(await ServiceBuild.RunCommandAsync(dll, settings, "reconcile"));
        Console.WriteLine($"   reconcile took {watchReconcile.Elapsed.TotalSeconds:F0} s; the hq key is in {data}/{database}.hq-key");
    }

    /// <summary>The settings of a service over the loaded database (the scale bench starts it with these too).</summary>
    public static Dictionary<string, string> Settings(string connectionString, string database) =>
        IngestBench.ServiceSettings(database, new()
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = connectionString,
        }, shard: "silo-1");

    public static string ConnectionString(string admin, string database) =>
        new NpgsqlConnectionStringBuilder(admin) { Database = database, MaxPoolSize = 100, CommandTimeout = 0 }.ConnectionString;

    /// <summary>The campaign and the honorees, through the API.</summary>
    private static async Task SetUpAsync(Uri url, string key, string data)
    {
        using var http = IngestBench.Client(url, key, 16);
        using var campaign = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(data, "campaign.json")));
        await PutAsync(http, $"/api/campaigns/{campaign.RootElement.GetProperty("id").GetString()}", campaign.RootElement);
        using var honorees = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(data, "honorees.json")));
        await Parallel.ForEachAsync(honorees.RootElement.EnumerateArray(), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (honoree, _) => await PutAsync(http, $"/api/honorees/{honoree.GetProperty("id").GetString()}", honoree));
        Console.WriteLine($"   campaign and {honorees.RootElement.GetArrayLength():N0} honorees put");
    }

    private static async Task PutAsync(HttpClient http, string path, System.Text.Json.JsonElement body)
    {
        using var response = await http.PutAsync(path, IngestBench.Json(body.GetRawText()));
        IngestBench.Ensure(response, HttpStatusCode.Created, HttpStatusCode.OK);
    }

    private static async Task DirectAsync(string connectionString, string data)
    {
        await using var source = NpgsqlDataSource.Create(connectionString);
        await using var connection = await source.OpenConnectionAsync();
        async Task Step(string what, string sql)
        {
            var watch = Stopwatch.StartNew();
            await using var command = new NpgsqlCommand(sql, connection);
            var rows = await command.ExecuteNonQueryAsync();
            Console.WriteLine($"   {what}: {(rows >= 0 ? $"{rows:N0} rows, " : "")}{watch.Elapsed.TotalSeconds:F1} s");
        }

        // The staging tables have the CSV columns; the generator's files need no quoting and leave empty what is absent.
        await Step("staging tables", """
            CREATE UNLOGGED TABLE stage_branches (id TEXT, name TEXT, region_code TEXT, sector TEXT, member_count INT, kind TEXT);
            CREATE UNLOGGED TABLE stage_study_sessions (branch_id TEXT, id TEXT, campaign_id TEXT, title TEXT, held_on DATE, format TEXT,
                kind TEXT, total INT, frontline INT, youth INT, women INT, online_views INT, notes TEXT);
            CREATE UNLOGGED TABLE stage_honoree_talks (branch_id TEXT, id TEXT, campaign_id TEXT, honoree_ids TEXT, title TEXT, held_on DATE,
                venue TEXT, format TEXT, audience INT, online_views INT);
            CREATE UNLOGGED TABLE stage_publicity (branch_id TEXT, id TEXT, campaign_id TEXT, channel TEXT, outlet TEXT, title TEXT,
                url TEXT, published_on DATE, reach INT);
            """);
        foreach (var (file, table) in new[] { ("branches", "stage_branches"), ("study-sessions", "stage_study_sessions"),
                     ("honoree-talks", "stage_honoree_talks"), ("publicity", "stage_publicity") })
        {
            var watch = Stopwatch.StartNew();
            await using (var copy = await connection.BeginTextImportAsync($"COPY {table} FROM STDIN (FORMAT csv, HEADER true)"))
            using (var reader = new StreamReader(Path.Combine(data, $"{file}.csv"), Encoding.UTF8))
            {
                var buffer = new char[1 << 16];
                for (int n; (n = await reader.ReadAsync(buffer)) > 0;) await copy.WriteAsync(buffer, 0, n);
            }
            Console.WriteLine($"   COPY {file}.csv: {watch.Elapsed.TotalSeconds:F1} s");
        }

        // The rows as the service writes them; the staging rows came from the generator, so references hold and the
        // foreign-key triggers are skipped for speed (a superuser's session setting, local development only).
        await Step("fact tables", $"""
            SET session_replication_role = replica;
            INSERT INTO branches (branch_id, name, region_code, sector, member_count, kind, created_at, updated_at, version, created_by)
                SELECT id, name, region_code, sector, member_count, kind, now(), now(), 1, 'bulk-load' FROM stage_branches;
            INSERT INTO study_sessions (branch_id, session_id, campaign_id, region_code, title, held_on, format, kind, attendees, frontline,
                youth, women, online_views, notes, voided, void_reason, created_at, updated_at, version, created_by)
                SELECT s.branch_id, s.id, s.campaign_id, b.region_code, s.title, s.held_on, s.format, s.kind, s.total,
                s.frontline, s.youth, s.women, s.online_views, s.notes, false, NULL, now(), now(), 1, 'bulk-load'
                FROM stage_study_sessions s JOIN stage_branches b ON b.id = s.branch_id;
            INSERT INTO honoree_talks (branch_id, talk_id, campaign_id, region_code, title, held_on, venue, format, audience, online_views,
                voided, void_reason, created_at, updated_at, version, created_by)
                SELECT t.branch_id, t.id, t.campaign_id, b.region_code, t.title, t.held_on, t.venue, t.format, t.audience,
                t.online_views, false, NULL, now(), now(), 1, 'bulk-load' FROM stage_honoree_talks t JOIN stage_branches b ON b.id = t.branch_id;
            INSERT INTO talk_honorees SELECT DISTINCT branch_id, id, unnest(string_to_array(honoree_ids, ';')) FROM stage_honoree_talks;
            INSERT INTO publicity_items (branch_id, item_id, campaign_id, region_code, channel, outlet, title, url, published_on, reach,
                voided, void_reason, created_at, updated_at, version, created_by)
                SELECT p.branch_id, p.id, p.campaign_id, b.region_code, p.channel, p.outlet, p.title, p.url,
                p.published_on, p.reach, false, NULL, now(), now(), 1, 'bulk-load' FROM stage_publicity p JOIN stage_branches b ON b.id = p.branch_id;
            SET session_replication_role = DEFAULT;
            """);

        // Each branch's earliest record per campaign (a branch's records share its county), then the county rows per day,
        // and registered branches per county: what the service's batches write (a creation is its own row, with who made
        // it, so the change log gets nothing).
        await Step("branch activity", """
            INSERT INTO branch_activity (branch_id, campaign_id, first_on, region_code)
            SELECT branch_id, campaign_id, MIN(day), MIN(region_code) FROM (
                SELECT branch_id, campaign_id, held_on AS day, region_code FROM study_sessions
                UNION ALL SELECT branch_id, campaign_id, held_on, region_code FROM honoree_talks
                UNION ALL SELECT branch_id, campaign_id, published_on, region_code FROM publicity_items) r
            GROUP BY branch_id, campaign_id;
            """);
        await Step("county rollups", $"""
            INSERT INTO county_days
            SELECT '{BulkShard}', region_code, campaign_id, day, SUM(a), SUM(b), SUM(c), SUM(d), SUM(e), SUM(f), SUM(g), SUM(h), SUM(i),
                   SUM(j), SUM(k) FROM (
                SELECT region_code, campaign_id, held_on AS day, 1 a, attendees b, COALESCE(frontline, 0) c, COALESCE(youth, 0) d,
                       COALESCE(women, 0) e, 0 f, 0 g, COALESCE(online_views, 0) h, 0 i, 0 j, 0 k FROM study_sessions WHERE NOT voided
                UNION ALL SELECT region_code, campaign_id, held_on, 0, 0, 0, 0, 0, 1, audience, COALESCE(online_views, 0), 0, 0, 0
                    FROM honoree_talks WHERE NOT voided
                UNION ALL SELECT region_code, campaign_id, published_on, 0, 0, 0, 0, 0, 0, 0, 0, 1, COALESCE(reach, 0), 0
                    FROM publicity_items WHERE NOT voided
                UNION ALL SELECT region_code, campaign_id, first_on, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
                    FROM branch_activity WHERE first_on IS NOT NULL) x
            GROUP BY region_code, campaign_id, day;
            INSERT INTO county_branches SELECT '{BulkShard}', region_code, COUNT(*) FROM branches GROUP BY region_code;
            INSERT INTO shards (shard, seq, epoch) VALUES ('{BulkShard}', 1, 0) ON CONFLICT (shard) DO NOTHING;
            """);
        await Step("honoree rollups", $"""
            INSERT INTO honoree_rollups
            SELECT '{BulkShard}', h.honoree_id, t.campaign_id, LEFT(t.region_code, 2) || '0000', COUNT(*), SUM(t.audience), SUM(COALESCE(t.online_views, 0))
            FROM talk_honorees h JOIN honoree_talks t ON t.branch_id = h.branch_id AND t.talk_id = h.talk_id
            WHERE NOT t.voided GROUP BY h.honoree_id, t.campaign_id, LEFT(t.region_code, 2);
            """);
        await Step("drop staging", "DROP TABLE stage_branches, stage_study_sessions, stage_honoree_talks, stage_publicity");
        await Step("vacuum analyze", "VACUUM ANALYZE");
    }
}
