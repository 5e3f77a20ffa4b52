using System.Globalization;

namespace Grassroots.Throughput;

/// <summary>
/// What a request costs on one silo and on several, in one run over one PostgreSQL on one machine: the docker-compose
/// topology without Docker (deploy/local-cluster.sh, <see cref="LocalClusterScript"/>) or the compose cluster itself
/// (<see cref="ComposeCluster"/>). For each number of silos, started afresh behind nginx: PUTs of new records and
/// rollup reads (national, provincial, county), each window's CPU per silo from /proc and each silo's Orleans activity
/// (messages and bytes between silos, grain-directory operations, activations) from its own metrics; pgbench's
/// single-row INSERTs on the same PostgreSQL as the baseline; how soon a record acknowledged by one silo shows on
/// another (freshness); and what the configuration around a request costs one silo (the management port on and off,
/// the cluster configuration's silo against the standalone one the ingest bench runs). <see cref="ClusterReport"/>
/// prints the figures with the ratios between them.
/// </summary>
public static class ClusterBench
{
    public static async Task RunAsync(ClusterBenchOptions options)
    {
        var dll = ServiceBuild.Dll(options.Configuration);
        if (!File.Exists(dll)) throw new FileNotFoundException($"Build the service first: dotnet build -c {options.Configuration} src/Grassroots.Silo", dll);
        var report = new ClusterReport(options);
        report.Start();
        IClusterUnderTest cluster = options.Compose ? new ComposeCluster() : new LocalClusterScript(dll);
        try
        {
            await cluster.StartAsync(options.Silos[0]);
            await MeasureAsync(cluster, dll, options, report);
            report.Reconcile = await ServiceBuild.RunCommandAsync(dll, new Dictionary<string, string>
            {
                ["Storage:Provider"] = "Postgres",
                ["Storage:ConnectionString"] = cluster.ConnectionString,
                ["Cluster:ClusterId"] = cluster.ClusterId,
                ["Logging:LogLevel:Default"] = "Warning",
            }, "reconcile");
            Console.WriteLine(report.Reconcile);
        }
        finally
        {
            await cluster.StopAsync();
        }
        report.Print();
    }

    private static async Task MeasureAsync(IClusterUnderTest cluster, string dll, ClusterBenchOptions options, ClusterReport report)
    {
        var key = cluster.Key;
        var run = "c" + DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture);
        string[] counties;
        using (var silo1 = IngestBench.Client(cluster.SiloUrl(1), key, 16))
        {
            counties = await IngestBench.SeedAsync(silo1, options.Branches);
            await Freshness.SeedAsync(silo1, counties[0]);
        }
        report.Server = await IngestBench.ServerAsync(cluster.ConnectionString);
        if (options.Phases.Contains('b')) report.Baseline = await BaselineAsync(cluster, options);

        var reads = ReadPaths(counties);
        var freshnessOn = options.Phases.Contains('f') ? options.Silos.Max() : 0;
        foreach (var (silos, t) in options.Silos.Select((s, t) => (s, t)))
        {
            if (!options.Phases.Contains('w') && !options.Phases.Contains('r') && silos != freshnessOn) continue;
            await cluster.RestartSilosAsync(silos, management: true);
            var topology = cluster.Topology(silos == 1 ? "1 silo via nginx" : $"{silos} silos via nginx");
            if (options.Phases.Contains('w') || options.Phases.Contains('r'))
                await RequestsAsync(topology, key, options, $"{run}t{t}", options.Phases.Contains('w'), options.Phases.Contains('r') ? reads : [], report.Scale);
            if (options.Phases.Contains('w')) cluster.PrintUpstreams();
            if (silos == freshnessOn)
            {
                report.Freshness.AddRange(await FreshnessAsync(cluster, key, silos, options));
                freshnessOn = 0;
            }
        }
        if (options.Phases.Contains('m') || options.Phases.Contains('s'))
            await ConfigurationsAsync(cluster, dll, key, options, reads[0], $"{run}c", report.Configurations);
    }

    /// <summary>The rollups read: the national one, Guangdong's, and a county of Guangdong that the bench's branches are in.</summary>
    private static (string Path, string Name)[] ReadPaths(string[] counties) =>
    [
        (IngestBench.NationalRollup, "national rollup read"),
        ($"/api/rollups/440000?campaignId={IngestBench.Campaign}", "provincial rollup read (440000)"),
        ($"/api/rollups/{counties.First(c => c.StartsWith("44", StringComparison.Ordinal))}?campaignId={IngestBench.Campaign}", "county rollup read"),
    ];

    /// <summary>pgbench's single-row autocommit INSERTs on the cluster's PostgreSQL (Npgsql's single-row transactions without pgbench).</summary>
    private static async Task<RunResult> BaselineAsync(IClusterUnderTest cluster, ClusterBenchOptions options)
    {
        var ingest = options.Ingest with { Postgres = cluster.ConnectionString };
        var meter = new CostMeter(new Dictionary<string, int> { [PhaseCosts.PostgresGroup] = cluster.PostgresPid, [PhaseCosts.LoadGroup] = Environment.ProcessId }, null);
        if (PgBench.Path is null)
        {
            Console.WriteLine("== WARNING: pgbench is not installed (apt-get install postgresql-client): the baseline is Npgsql's");
            return await IngestBench.MeteredAsync(meter, (start, end) => RawInsert.PostgresAsync(cluster.ConnectionString, ingest, start, end));
        }
        return await IngestBench.MeteredAsync(meter, (start, end) => RawInsert.WithTableAsync(cluster.ConnectionString, _ => PgBench.RunAsync(
            cluster.ConnectionString, options.BaselineConnections, options.Branches, TimeSpan.FromSeconds(options.WarmupSeconds),
            TimeSpan.FromSeconds(options.Seconds), start, end)));
    }

    /// <summary>
    /// Against silos just started: a warm-up of PUTs and every read at once (so the JIT has compiled every path a phase
    /// takes before any is measured, which on a busy machine takes longer than one phase's own warm-up), then PUTs of new
    /// records (when <paramref name="writes"/>) and each read, each window metered.
    /// </summary>
    private static async Task RequestsAsync(ClusterTopology topology, string key, ClusterBenchOptions options, string prefix, bool writes,
        IReadOnlyList<(string Path, string Name)> reads, List<ClusterPhase> into)
    {
        Console.WriteLine($"== {topology.Name}: {string.Join(", ", topology.Silos.Select(s => $"{s.Name} pid {s.Pid}"))}, load to {topology.Url}");
        using var http = IngestBench.Client(topology.Url, key, Math.Max(options.Connections, options.ReadConnections));
        var target = new IngestBench.SiloTarget(topology.Url, key, http);
        var runtimes = RuntimeCountersOf(topology);
        try
        {
            if (options.StartWarmupSeconds > 0)
            {
                var warm = options.Ingest with { WarmupSeconds = 0, Seconds = options.StartWarmupSeconds };
                await Task.WhenAll(reads.Select(r => IngestBench.ReadPathAsync(target, warm, r.Path, $"warm-up: {r.Name}"))
                    .Append(IngestBench.PutNewSessionsAsync(target, warm, prefix + "w")));
            }
            if (writes)
                into.Add(new(topology, ClusterPhase.Put, await MeteredAsync(topology, runtimes, options, (start, end) =>
                    IngestBench.PutNewSessionsAsync(target, options.Ingest, prefix, start, end))));
            foreach (var (path, name) in reads)
                into.Add(new(topology, name, await MeteredAsync(topology, runtimes, options, (start, end) =>
                    IngestBench.ReadPathAsync(target, options.Ingest, path, name, start, end))));
        }
        finally
        {
            foreach (var counters in runtimes.Values) await counters.DisposeAsync();
        }
    }

    private static async Task<RunResult> MeteredAsync(ClusterTopology topology, IReadOnlyDictionary<string, RuntimeCounters> runtimes,
        ClusterBenchOptions options, Func<Action, Action, Task<RunResult>> phase)
    {
        using var metrics = topology.Metrics(options.MetricsToken);
        return await IngestBench.MeteredAsync(new CostMeter(topology.CpuRoots(), runtimes, null, metrics), phase);
    }

    /// <summary>
    /// Each silo's runtime counters (allocations, JIT time) over its diagnostic port; none for a silo whose port this
    /// process cannot reach (one in a container, whose /tmp is its own).
    /// </summary>
    private static Dictionary<string, RuntimeCounters> RuntimeCountersOf(ClusterTopology topology)
    {
        var runtimes = new Dictionary<string, RuntimeCounters>();
        foreach (var silo in topology.Silos)
        {
            try
            {
                runtimes[silo.Name] = RuntimeCounters.Start(silo.Pid);
            }
            catch (Exception e) when (e is Microsoft.Diagnostics.NETCore.Client.ServerNotAvailableException or IOException or UnauthorizedAccessException)
            {
                Console.WriteLine($"  ({silo.Name}'s runtime counters are out of reach: {e.Message})");
            }
        }
        return runtimes;
    }

    /// <summary>Freshness, idle and under load: written to silo-1, read from the others directly.</summary>
    private static async Task<List<Freshness>> FreshnessAsync(IClusterUnderTest cluster, string key, int silos, ClusterBenchOptions options)
    {
        using var front = IngestBench.Client(cluster.Front, key, options.LoadConnections);
        using var writer = IngestBench.Client(cluster.SiloUrl(1), key, 1);
        var readers = Enumerable.Range(2, silos - 1).Select(i => IngestBench.Client(cluster.SiloUrl(i), key, 1)).ToArray();
        try
        {
            return
            [
                await Freshness.ProbeAsync("idle", writer, readers, options.Probes, first: 1),
                await Freshness.UnderLoadAsync(front, writer, readers, options.LoadConnections, options.Branches, options.Probes),
            ];
        }
        finally
        {
            foreach (var reader in readers) reader.Dispose();
        }
    }

    /// <summary>
    /// One silo in each configuration, each started afresh, with the same load (PUTs, then national reads): the cluster configuration's silo
    /// behind nginx; with `s`, the same silo directly and the standalone silo over the same database; with `m`, the
    /// cluster configuration's silo with its management port off.
    /// </summary>
    private static async Task ConfigurationsAsync(IClusterUnderTest cluster, string dll, string key, ClusterBenchOptions options,
        (string Path, string Name) read, string prefix, List<ClusterPhase> into)
    {
        await cluster.RestartSilosAsync(1, management: true);
        await RequestsAsync(cluster.Topology(ClusterPhase.ClusterSilo), key, options, prefix + "n", true, [read], into);
        if (options.Phases.Contains('s'))
        {
            await cluster.RestartSilosAsync(1, management: true);
            await RequestsAsync(cluster.Topology(ClusterPhase.ClusterSiloDirect, direct: true), key, options, prefix + "d", true, [read], into);
        }
        if (options.Phases.Contains('m'))
        {
            await cluster.RestartSilosAsync(1, management: false);
            await RequestsAsync(cluster.Topology(ClusterPhase.ManagementOff), key, options, prefix + "o", true, [read], into);
        }
        if (!options.Phases.Contains('s')) return;
        await cluster.StopSilosAsync();
        var settings = IngestBench.ServiceSettings("bench-standalone", new()
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = cluster.ConnectionString,
        });
        await using var standalone = await ServiceBuild.StartAsync(dll, settings);
        var topology = new ClusterTopology(ClusterPhase.Standalone, standalone.Address, [new SiloProcess("silo-1", standalone.Id, null)], cluster.PostgresPid, null);
        await RequestsAsync(topology, key, options, prefix + "s", true, [read], into);
    }
}

/// <summary>One measured window of the cluster bench: a measure (PUT, or a read) against a topology.</summary>
public sealed record ClusterPhase(ClusterTopology Topology, string Measure, RunResult Result)
{
    public const string Put = "PUT of a new record";

    public const string ClusterSilo = "cluster configuration's silo, via nginx",
        ClusterSiloDirect = "cluster configuration's silo, direct",
        ManagementOff = "cluster configuration's silo, via nginx, management port off",
        Standalone = "standalone silo (as `ingest` runs it), direct";

    public bool IsRead => Measure != Put;
}
