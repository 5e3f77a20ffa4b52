using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Grassroots.Throughput;

/// <summary>
/// The docker-compose topology without Docker, from deploy/local-cluster.sh in a folder and on ports of its own (so it
/// never meets the cluster tests'): ingest and national reads against one silo directly, then through nginx in front of
/// several, over the same PostgreSQL in the same run; how soon a record one silo acknowledged shows in the national
/// rollup another silo serves (freshness), idle and under load; and who used the two cores while several silos ingested.
/// </summary>
public static class ClusterBench
{
    private const string Dir = "/tmp/grassroots-bench-cluster";
    private const int HttpPort = 5400;
    private const string ConnectionString = "Host=127.0.0.1;Port=15540;Username=grassroots;Password=grassroots-dev-only;Database=grassroots";
    private const string ProbeCampaign = "probe";
    private const string ProbeBranch = "probe-000001";

    /// <summary>A probe that has not shown after this long is counted as missed rather than holding up the run.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);

    private sealed record Freshness(string Name, double[] DelaysMs, int Missed)
    {
        public double Percentile(double p) => DelaysMs.Length == 0 ? double.NaN : DelaysMs[(int)Math.Min(DelaysMs.Length - 1, p * DelaysMs.Length)];
    }

    public static async Task RunAsync(ClusterBenchOptions options)
    {
        var dll = ServiceBuild.Dll(options.Configuration);
        if (!File.Exists(dll)) throw new FileNotFoundException($"Build the service first: dotnet build -c {options.Configuration} src/Grassroots.Silo", dll);
        if (Directory.Exists(Dir))
        {
            Console.WriteLine($"== {Dir} is left from an interrupted run; stopping what it started");
            await StopAsync(dll);
        }
        var results = new List<RunResult>();
        var freshness = new List<Freshness>();
        var cpu = new Dictionary<string, double>();
        var cpuSeconds = 0.0;
        try
        {
            await ScriptAsync(dll, "start", "1");
            var key = (await File.ReadAllTextAsync(Path.Combine(Dir, "hq-key.txt"))).Trim();
            var ingest = new IngestBenchOptions(ConnectionString, Connections: options.Connections, BaselineConnections: options.BaselineConnections,
                ReadConnections: options.ReadConnections, Seconds: options.Seconds, WarmupSeconds: options.WarmupSeconds, Branches: options.Branches)
            {
                Load = options.Load,
            };
            var run = "c" + DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
            var connections = Math.Max(Math.Max(options.Connections, options.ReadConnections), options.LoadConnections);

            using var silo1 = IngestBench.Client(SiloUrl(1), key, connections);
            var counties = await IngestBench.SeedAsync(silo1, options.Branches);
            await SeedProbeAsync(silo1, counties[0]);
            results.Add(await RawInsert.PostgresAsync(ConnectionString, ingest));
            var direct = new IngestBench.SiloTarget(SiloUrl(1), key, silo1);
            results.Add(Named("1 silo, direct", await IngestBench.PutNewSessionsAsync(direct, ingest, run + "d")));
            results.Add(Named("1 silo, direct", await IngestBench.ReadPathAsync(direct, ingest, IngestBench.NationalRollup, "national rollup read")));

            await ScriptAsync(dll, "start", options.Silos.ToString(CultureInfo.InvariantCulture));
            using var front = IngestBench.Client(new Uri($"http://127.0.0.1:{HttpPort}"), key, connections);
            var roots = CpuRoots(options.Silos);
            var (before, started) = (new Dictionary<string, double>(), 0L);
            var nginx = new IngestBench.SiloTarget(new Uri($"http://127.0.0.1:{HttpPort}"), key, front);
            results.Add(Named($"{options.Silos} silos via nginx", await IngestBench.PutNewSessionsAsync(nginx, ingest, run + "n",
                () => (before, started) = (ProcessCpu.Sample(roots), Stopwatch.GetTimestamp()),
                () => (cpu, cpuSeconds) = (ProcessCpu.Difference(before, ProcessCpu.Sample(roots)), Stopwatch.GetElapsedTime(started).TotalSeconds))));
            PrintUpstreams();
            results.Add(Named($"{options.Silos} silos via nginx", await IngestBench.ReadPathAsync(nginx, ingest, IngestBench.NationalRollup, "national rollup read")));

            var readers = Enumerable.Range(2, options.Silos - 1).Select(i => IngestBench.Client(SiloUrl(i), key, 1)).ToArray();
            try
            {
                freshness.Add(await FreshnessAsync("idle", silo1, readers, options.Probes, first: 1));
                freshness.Add(await UnderLoadAsync(front, silo1, readers, options));
            }
            finally
            {
                foreach (var reader in readers) reader.Dispose();
            }

            Console.WriteLine("== reconcile");
            Console.WriteLine(await ServiceBuild.RunCommandAsync(dll, new Dictionary<string, string>
            {
                ["Storage:Provider"] = "Postgres",
                ["Storage:ConnectionString"] = ConnectionString,
                ["Cluster:ClusterId"] = "grassroots-local",
                ["Logging:LogLevel:Default"] = "Warning",
            }, "reconcile"));
        }
        finally
        {
            await StopAsync(dll);
        }
        Print(results, freshness, cpu, cpuSeconds, options);
    }

    private static Uri SiloUrl(int i) => new($"http://127.0.0.1:{HttpPort + i}");

    private static RunResult Named(string where, RunResult result) => result with { Name = $"{where}: {result.Name}" };

    /// <summary>A campaign of its own for the probes, so the load on the bench campaign never moves the count they wait for.</summary>
    private static async Task SeedProbeAsync(HttpClient http, string county)
    {
        IngestBench.Ensure(await http.PutAsync($"/api/campaigns/{ProbeCampaign}",
            IngestBench.Json("""{"title":"新鲜度探针","startsOn":"2020-11-24"}""")), HttpStatusCode.Created);
        IngestBench.Ensure(await http.PutAsync($"/api/branches/{ProbeBranch}",
            IngestBench.Json($$"""{"name":"探针工会","regionCode":"{{county}}","memberCount":50,"kind":"enterprise"}""")), HttpStatusCode.Created);
    }

    /// <summary>
    /// Probes numbered from <paramref name="first"/>: each PUT of one new probe session to silo-1, and from its
    /// acknowledgement, national rollup reads of the probe campaign from the other silos in turn, back to back, until
    /// one counts it.
    /// </summary>
    private static async Task<Freshness> FreshnessAsync(string name, HttpClient writer, HttpClient[] readers, int probes, int first)
    {
        Console.WriteLine($"== freshness, {name}: {probes} probes, acknowledged by silo-1, read from silo-2 to silo-{readers.Length + 1} in turn");
        var delays = new List<double>(probes);
        var missed = 0;
        for (var k = 0; k < probes; k++)
        {
            var n = first + k;
            IngestBench.Ensure(await writer.PutAsync($"/api/branches/{ProbeBranch}/study-sessions/p{n}", IngestBench.Json(
                $$$"""{"campaignId":"{{{ProbeCampaign}}}","title":"新鲜度探针","heldOn":"2021-03-01","format":"offline","kind":"group-study","attendees":{"total":10}}""")),
                HttpStatusCode.Created);
            var acknowledged = Stopwatch.GetTimestamp();
            var reader = readers[k % readers.Length];
            while (true)
            {
                if (await StudySessionsAsync(reader) >= n)
                {
                    delays.Add(Stopwatch.GetElapsedTime(acknowledged).TotalMilliseconds);
                    break;
                }
                if (Stopwatch.GetElapsedTime(acknowledged) > ProbeTimeout)
                {
                    missed++;
                    break;
                }
            }
        }
        var result = new Freshness(name, [.. delays.Order()], missed);
        Console.WriteLine($"  [{name}] p50 {result.Percentile(0.5):F1} ms, p99 {result.Percentile(0.99):F1} ms, max {result.Percentile(1):F1} ms" +
            (missed > 0 ? $", {missed} not seen within {ProbeTimeout.TotalSeconds:0} s" : ""));
        return result;
    }

    /// <summary>The probe campaign's national count of study sessions as a silo serves it; -1 when it did not answer 200.</summary>
    private static async Task<long> StudySessionsAsync(HttpClient reader)
    {
        using var response = await reader.GetAsync($"/api/rollups/CN?campaignId={ProbeCampaign}");
        if (response.StatusCode != HttpStatusCode.OK) return -1;
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        return doc.RootElement.GetProperty("totals").GetProperty("studySessions").GetInt64();
    }

    /// <summary>The probes again while <see cref="ClusterBenchOptions.LoadConnections"/> connections ingest through nginx without pause.</summary>
    private static async Task<Freshness> UnderLoadAsync(HttpClient front, HttpClient writer, HttpClient[] readers, ClusterBenchOptions options)
    {
        var (records, refused, stop) = (0L, 0L, false);
        var load = Enumerable.Range(0, options.LoadConnections).Select(_ => Task.Run(async () =>
        {
            var step = IngestBench.IngestStep(front, options.Branches, () => Interlocked.Increment(ref refused));
            while (!Volatile.Read(ref stop)) Interlocked.Add(ref records, await step());
        })).ToArray();
        Console.WriteLine($"== background ingest through nginx, {options.LoadConnections} connections; probing after 5 s");
        await Task.Delay(TimeSpan.FromSeconds(5));
        var (startRecords, started) = (Interlocked.Read(ref records), Stopwatch.GetTimestamp());
        var result = await FreshnessAsync("under load", writer, readers, options.Probes, first: options.Probes + 1);
        var rate = (Interlocked.Read(ref records) - startRecords) / Stopwatch.GetElapsedTime(started).TotalSeconds;
        Volatile.Write(ref stop, true);
        await Task.WhenAll(load);
        Console.WriteLine($"  background ingest while probing: {rate:N0} records/s" + (refused > 0 ? $", {refused:N0} PUTs not answered 201" : ""));
        return result with { Name = $"under load ({options.LoadConnections} connections via nginx, {rate:N0} records/s)" };
    }

    /// <summary>Each process group whose CPU time the run reports: the silos, PostgreSQL's postmaster, nginx's master, this process.</summary>
    private static Dictionary<string, int> CpuRoots(int silos)
    {
        int Pid(string file) => int.Parse(File.ReadLines(Path.Combine(Dir, file)).First().Trim(), CultureInfo.InvariantCulture);
        var roots = Enumerable.Range(1, silos).ToDictionary(i => $"silo-{i}", i => Pid($"silo-{i}.pid"));
        roots["postgres"] = Pid("pg/postmaster.pid");
        roots["nginx"] = Pid("nginx.pid");
        roots["bench"] = Environment.ProcessId;
        return roots;
    }

    /// <summary>Which silo nginx sent the bench's PUTs to, from its access log: shows the reloaded upstream has every silo.</summary>
    private static void PrintUpstreams()
    {
        var counts = File.ReadLines(Path.Combine(Dir, "nginx-access.log"))
            .Select(line => line.Split(' '))
            .Where(f => f.Length > 4 && f[1] == "PUT" && f[2].StartsWith("/api/branches/bench-", StringComparison.Ordinal))
            .GroupBy(f => f[4])
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        Console.WriteLine("  nginx sent the PUTs to " + string.Join(", ", counts.Select(g => $"{g.Key} {g.Count():N0}")));
    }

    private static async Task ScriptAsync(string dll, params string[] args)
    {
        // Not redirected: the script's output goes to the console, and the daemons it starts hold no pipe of ours.
        var info = new ProcessStartInfo(Path.Combine(ServiceBuild.RepositoryRoot(), "deploy", "local-cluster.sh")) { UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["GRASSROOTS_CLUSTER_DIR"] = Dir;
        info.Environment["GRASSROOTS_CLUSTER_PORT"] = HttpPort.ToString(CultureInfo.InvariantCulture);
        info.Environment["GRASSROOTS_CLUSTER_PG_PORT"] = "15540";
        info.Environment["GRASSROOTS_CLUSTER_SILO_PORT"] = "11400";
        info.Environment["GRASSROOTS_CLUSTER_GATEWAY_PORT"] = "12400";
        info.Environment["GRASSROOTS_SILO_DLL"] = dll;
        using var process = Process.Start(info)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"deploy/local-cluster.sh {string.Join(' ', args)} exited with {process.ExitCode}");
    }

    /// <summary>Stops whatever the folder's cluster runs and removes the folder; a failure to stop is reported, not thrown, so it hides no earlier one.</summary>
    private static async Task StopAsync(string dll)
    {
        try
        {
            await ScriptAsync(dll, "stop");
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine(e.Message);
        }
        Directory.Delete(Dir, recursive: true);
    }

    private static void Print(List<RunResult> results, List<Freshness> freshness, Dictionary<string, double> cpu, double cpuSeconds, ClusterBenchOptions options)
    {
        var baseline = results.FirstOrDefault(r => r.Generator == "Npgsql");
        Console.WriteLine();
        Console.WriteLine("| measure | per second | p50 | p99 | max | × baseline |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|");
        foreach (var r in results)
            Console.WriteLine($"| {r.Name} | {r.PerSecond:N0} | {r.P50Ms:F1} ms | {r.P99Ms:F1} ms | | " +
                $"{(baseline is null || r.Name.Contains("read", StringComparison.Ordinal) ? "" : $"{r.PerSecond / baseline.PerSecond:F2}×")} |");
        foreach (var f in freshness)
            Console.WriteLine($"| freshness {f.Name}: acknowledged by silo-1 → counted by another silo, {f.DelaysMs.Length + f.Missed} probes" +
                $"{(f.Missed > 0 ? $" ({f.Missed} not seen within {ProbeTimeout.TotalSeconds:0} s)" : "")} | | " +
                $"{f.Percentile(0.5):F1} ms | {f.Percentile(0.99):F1} ms | {f.Percentile(1):F1} ms | |");
        Console.WriteLine($"({options.Seconds} s measured after {options.WarmupSeconds} s warm-up per phase; {options.Branches:N0} branches; one PostgreSQL)");
        if (cpuSeconds == 0) return;
        Console.WriteLine();
        Console.WriteLine($"CPU during the {options.Silos}-silo ingest ({cpuSeconds:F1} s measured, {Environment.ProcessorCount} cores):");
        Console.WriteLine();
        Console.WriteLine("| process | CPU s | cores |");
        Console.WriteLine("|---|---:|---:|");
        var named = cpu.Where(c => c.Key != "all").ToArray();
        foreach (var (name, seconds) in named.Append(new("others on the machine", cpu["all"] - named.Sum(c => c.Value))).Append(new("all", cpu["all"])))
            Console.WriteLine($"| {name} | {seconds:F1} | {seconds / cpuSeconds:F2} |");
    }
}

public sealed record ClusterBenchOptions(
    int Silos = 3,
    int Connections = 64,
    int BaselineConnections = 32,
    int ReadConnections = 64,
    int LoadConnections = 32,
    int Seconds = 20,
    int WarmupSeconds = 20,
    int Branches = 2_000,
    int Probes = 300,
    string Configuration = "Release")
{
    /// <summary>The load generator of the measured phases (the freshness probes' background load is HttpClient's).</summary>
    public LoadGenerator Load { get; init; } = new IngestBenchOptions("").Load;

    public static ClusterBenchOptions? Parse(string[] args)
    {
        var options = new ClusterBenchOptions();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            int Int() => int.Parse(value, CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--silos": options = options with { Silos = Int() }; break;
                case "--connections": options = options with { Connections = Int() }; break;
                case "--baseline-connections": options = options with { BaselineConnections = Int() }; break;
                case "--read-connections": options = options with { ReadConnections = Int() }; break;
                case "--load-connections": options = options with { LoadConnections = Int() }; break;
                case "--seconds": options = options with { Seconds = Int() }; break;
                case "--warmup": options = options with { WarmupSeconds = Int() }; break;
                case "--branches": options = options with { Branches = Int() }; break;
                case "--probes": options = options with { Probes = Int() }; break;
                case "--configuration": options = options with { Configuration = value }; break;
                case "--load" when Enum.TryParse<LoadGenerator>(value, ignoreCase: true, out var load): options = options with { Load = load }; break;
                default: return null;
            }
        }
        // Freshness reads from a silo other than the one that acknowledged.
        return args.Length % 2 == 0 && options.Silos >= 2 ? options : null;
    }
}
