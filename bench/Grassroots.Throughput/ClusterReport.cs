using System.Globalization;

namespace Grassroots.Throughput;

/// <summary>
/// What the cluster bench prints: for each number of silos, the rate, latency and CPU per request of every silo and
/// summed over them, and what Orleans did per request (messages and bytes between silos, directory operations,
/// activations); the ratios issue 24 names between the largest and smallest cluster and against pgbench of the same
/// run, each beside its goal; one silo in each configuration; freshness; and the conditions a figure needs to be quoted.
/// </summary>
public sealed class ClusterReport(ClusterBenchOptions options)
{
    private string _loadBefore = "";

    public RunResult? Baseline { get; set; }

    /// <summary>The requests against each number of silos behind nginx.</summary>
    public List<ClusterPhase> Scale { get; } = [];

    /// <summary>One silo in each configuration.</summary>
    public List<ClusterPhase> Configurations { get; } = [];

    public List<Freshness> Freshness { get; } = [];

    public string Server { get; set; } = "";

    public string Reconcile { get; set; } = "";

    private string Command => $"dotnet run -c Release --project bench/Grassroots.Throughput -- cluster {options.CommandLine}".TrimEnd();

    public void Start()
    {
        _loadBefore = IngestReport.LoadAverage();
        Console.WriteLine($"== {Command}");
        Console.WriteLine($"== {Environment.ProcessorCount} cores, load average {_loadBefore}; {(options.Compose ? "the Docker compose cluster" : "deploy/local-cluster.sh")}");
    }

    public void Print()
    {
        Console.WriteLine();
        if (Scale.Count > 0 || Baseline is not null) PrintScale();
        if (Scale.Count > 0) PrintOrleans();
        PrintGoals();
        if (Configurations.Count > 0) PrintConfigurations();
        if (Freshness.Count > 0) PrintFreshness();
        Console.WriteLine();
        Console.WriteLine($"command: {Command}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores; load average {_loadBefore} before, {IngestReport.LoadAverage()} after; .NET {Environment.Version}; {Server}");
        Console.WriteLine($"load: {(options.Load == LoadGenerator.Wrk ? "wrk, 2 threads (closed loop; p50/p99 from wrk's latency histogram)" : "HttpClient loops in the bench process")}; " +
            $"PUTs {options.Connections} connections, reads {options.ReadConnections}, pgbench {options.BaselineConnections} clients; " +
            $"the silos started afresh for each topology and warmed up {options.StartWarmupSeconds} s with PUTs and reads at once; " +
            $"{options.Seconds} s measured after {options.WarmupSeconds} s warm-up per phase; {options.Branches:N0} branches; {(options.Compose ? "docker-compose.yml (project grassroots-bench)" : "deploy/local-cluster.sh")}");
        Console.WriteLine("how: CPU is utime+stime from /proc over each measured window, per process and its descendants (PostgreSQL: the " +
            "postmaster and its backends; load generator: the bench with wrk or pgbench; others' cores: the machine's busy time less all of " +
            "these, over the window); allocations and JIT from each silo's System.Runtime meter over EventPipe; Orleans figures are the differences of each silo's " +
            "/metrics (its management port) scraped just before and after the window, summed over the silos, over the requests answered in it.");
        Console.WriteLine($"reconcile: {Reconcile.Split('\n').LastOrDefault(l => l.Trim().Length > 0)?.Trim()}");
    }

    private void PrintScale()
    {
        Console.WriteLine("Requests through nginx, by number of silos (CPU in µs per request answered in the window):");
        Console.WriteLine();
        Console.WriteLine("| silos | request | per second | p50 | p99 | × pgbench | silo CPU by silo | silos summed | PostgreSQL | nginx | machine | " +
            "others' cores | silos' allocations | silos' JIT |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        if (Baseline is { } b)
            Console.WriteLine($"| baseline | {b.Name} | {b.PerSecond:N0} | {b.P50Ms:F1} ms | {b.P99Ms:F1} ms | 1.00× | | | " +
                $"{Micros(b, PhaseCosts.PostgresGroup)} | | {Micros(b, PhaseCosts.MachineGroup)} | {OthersCores(b)} | | |");
        foreach (var p in Scale)
        {
            var r = p.Result;
            var ratio = Baseline is null || p.IsRead ? "" : $"{r.PerSecond / Baseline.PerSecond:F2}×";
            Console.WriteLine($"| {p.Topology.Name} | {p.Measure} | {r.PerSecond:N0} | {r.P50Ms:F1} ms | {r.P99Ms:F1} ms | {ratio} | " +
                $"{string.Join(" + ", p.Topology.Silos.Select(s => Micros(r, s.Name)))} | **{SiloMicros(p):N0}** | {Micros(r, PhaseCosts.PostgresGroup)} | " +
                $"{Micros(r, ClusterTopology.NginxGroup)} | {Micros(r, PhaseCosts.MachineGroup)} | {OthersCores(r)} | {Runtime(r)} |");
        }
        Console.WriteLine();
    }

    private void PrintOrleans()
    {
        Console.WriteLine("What Orleans did per request, summed over the silos (their /metrics):");
        Console.WriteLine();
        Console.WriteLine("| silos | request | silo-to-silo messages | bytes | local messages | directory registrations (remote) | " +
            "unregistrations: local, remote messages | remote lookups | activations | by grain type |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var p in Scale)
        {
            if (Orleans(p) is not { } o) continue;
            double Per(double count) => count / p.Result.Operations;
            Console.WriteLine($"| {p.Topology.Name} | {p.Measure} | {Per(o.MessagesSent):F2} | {Per(o.BytesSent):N0} | {Per(o.LocalMessages):F2} | " +
                $"{Per(o.Registrations):F2} ({Per(o.RemoteRegistrations):F2}) | {Per(o.LocalUnregistrations):F2}, {Per(o.RemoteUnregistrations):F2} | " +
                $"{Per(o.RemoteLookups):F2} | {Per(o.Activations):F2} | " +
                string.Join(", ", o.ActivationsByGrainType.Where(t => Per(t.Value) >= 0.005).OrderByDescending(t => t.Value).Select(t => $"{t.Key} {Per(t.Value):F2}")) + " |");
        }
        Console.WriteLine();
    }

    /// <summary>Issue 24's bars, each beside what this run measured.</summary>
    private void PrintGoals()
    {
        var rows = new List<(string Figure, string Measured, string Goal)>();
        if (options.Silos.Count > 1)
        {
            var (one, many) = (options.Silos[0], options.Silos[^1]);
            var ratio = $"{many} silos ÷ {one}";
            foreach (var measure in Scale.Select(p => p.Measure).Distinct())
            {
                if (At(many, measure) is not { } m || At(one, measure) is not { } o) continue;
                var noun = m.IsRead ? "read" : "PUT";
                rows.Add(($"{measure}: {ratio}, summed silo CPU per {noun}", $"{SiloMicros(m) / SiloMicros(o):F2}× ({SiloMicros(m):N0} ÷ {SiloMicros(o):N0} µs)", "≤ 1.25×"));
                rows.Add(($"{measure}: {ratio}, {noun}s per second", $"{m.Result.PerSecond / o.Result.PerSecond:F2}× ({m.Result.PerSecond:N0} ÷ {o.Result.PerSecond:N0}); " +
                    $"p99 {m.Result.P99Ms:F0} ms", m.IsRead ? "≥ 0.8×" : "≥ 0.8×, p99 < 100 ms"));
                if (Orleans(m) is { } orleans)
                    rows.Add(($"{measure}: {many} silos, silo-to-silo messages and bytes per {noun}",
                        $"{orleans.MessagesSent / m.Result.Operations:F2}, {orleans.BytesSent / m.Result.Operations:N0} B", m.IsRead ? "0 (no silo-to-silo call)" : "≤ 0.3, ≤ 200 B"));
            }
        }
        if (Baseline is not null && At(options.Silos[0], ClusterPhase.Put) is { } put)
            rows.Add(($"{put.Topology.Name}: PUTs per second ÷ pgbench single-row INSERTs", $"{put.Result.PerSecond / Baseline.PerSecond:F2}× " +
                $"({put.Result.PerSecond:N0} ÷ {Baseline.PerSecond:N0})", "≥ 1× (goal beyond: 2×)"));
        foreach (var (measure, noun) in new[] { (ClusterPhase.Put, "PUT"), ("read", "read") })
        {
            string Ratio(string over, string under) => Configuration(over, measure) is { } a && Configuration(under, measure) is { } b
                ? $"{SiloMicros(a) / SiloMicros(b):F2}× ({SiloMicros(a):N0} ÷ {SiloMicros(b):N0} µs)" : "";
            if (Ratio(ClusterPhase.ClusterSilo, ClusterPhase.ManagementOff) is { Length: > 0 } management)
                rows.Add(($"one silo via nginx, management port on ÷ off: silo CPU per {noun}", management, "≤ 1.10×"));
            if (Ratio(ClusterPhase.ClusterSilo, ClusterPhase.Standalone) is { Length: > 0 } configuration)
                rows.Add(($"cluster configuration's silo via nginx ÷ standalone silo: silo CPU per {noun}", configuration, "≤ 1.2×"));
        }
        if (rows.Count == 0) return;
        Console.WriteLine("Issue 24's ratios, this run:");
        Console.WriteLine();
        Console.WriteLine("| figure | measured | goal |");
        Console.WriteLine("|---|---:|---|");
        foreach (var (figure, measured, goal) in rows) Console.WriteLine($"| {figure} | {measured} | {goal} |");
        Console.WriteLine();
    }

    private void PrintConfigurations()
    {
        Console.WriteLine("One silo in each configuration, the same load (CPU in µs per request answered):");
        Console.WriteLine();
        Console.WriteLine("| configuration | request | per second | p99 | silo CPU | × standalone | PostgreSQL | nginx | machine | others' cores | " +
            "silo's allocations | silo's JIT |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in Configurations)
        {
            var standalone = Configuration(ClusterPhase.Standalone, p.IsRead ? "read" : ClusterPhase.Put);
            Console.WriteLine($"| {p.Topology.Name} | {p.Measure} | {p.Result.PerSecond:N0} | {p.Result.P99Ms:F1} ms | **{SiloMicros(p):N0}** | " +
                $"{(standalone is null ? "" : $"{SiloMicros(p) / SiloMicros(standalone):F2}×")} | {Micros(p.Result, PhaseCosts.PostgresGroup)} | " +
                $"{Micros(p.Result, ClusterTopology.NginxGroup)} | {Micros(p.Result, PhaseCosts.MachineGroup)} | {OthersCores(p.Result)} | {Runtime(p.Result)} |");
        }
        Console.WriteLine();
    }

    private void PrintFreshness()
    {
        Console.WriteLine("Freshness: acknowledged by silo-1, counted in the national rollup read from another silo (issue 24 keeps p99 ≤ 250 ms under load):");
        Console.WriteLine();
        Console.WriteLine("| when | probes | p50 | p99 | max |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var f in Freshness)
            Console.WriteLine($"| {f.Name} | {f.DelaysMs.Length + f.Missed}{(f.Missed > 0 ? $" ({f.Missed} not seen within {Throughput.Freshness.ProbeTimeout.TotalSeconds:0} s)" : "")} | " +
                $"{f.Percentile(0.5):F1} ms | {f.Percentile(0.99):F1} ms | {f.Percentile(1):F1} ms |");
        Console.WriteLine();
    }

    private ClusterPhase? At(int silos, string measure) =>
        Scale.FirstOrDefault(p => p.Topology.Silos.Count == silos && p.Measure == measure);

    /// <summary>A configuration's PUT phase, or (measure "read") its read phase.</summary>
    private ClusterPhase? Configuration(string name, string measure) =>
        Configurations.FirstOrDefault(p => p.Topology.Name == name && (measure == ClusterPhase.Put ? !p.IsRead : p.IsRead));

    private static OrleansActivity? Orleans(ClusterPhase p) => p.Result.Costs?.Orleans is { } silos ? OrleansActivity.Total(silos.Values) : null;

    private static double SiloMicros(ClusterPhase p) =>
        p.Topology.Silos.Sum(s => p.Result.Costs?.CpuMicrosPerOperation(s.Name, p.Result.Operations) ?? double.NaN);

    /// <summary>
    /// The cores that processes outside the run used in its window (other engineers' builds and tests on a shared machine):
    /// when they are busy, requests wait for a core and spinning threads burn CPU while they wait, so CPU per request rises too.
    /// </summary>
    private static string OthersCores(RunResult r)
    {
        if (r.Costs is not { } c) return "";
        var others = c.CpuSeconds[PhaseCosts.MachineGroup] - c.CpuSeconds.Where(g => g.Key != PhaseCosts.MachineGroup).Sum(g => g.Value);
        return $"{Math.Max(0, others) / c.Seconds:F2}";
    }

    /// <summary>
    /// Bytes the silos allocated per request, and the milliseconds per second their JIT compiled in the window with the
    /// methods it compiled per request (a warm window compiles next to none), summed over the silos; empty where their
    /// runtime counters were out of reach.
    /// </summary>
    private static string Runtime(RunResult r)
    {
        if (r.Costs?.Runtimes is not { Count: > 0 } silos) return " | ";
        var allocated = silos.Values.Sum(s => s.AllocatedBytes) / (r.Operations / r.Costs.Seconds);
        var perSecond = r.Operations / r.Costs.Seconds;
        return $"{IngestReport.Bytes(allocated)} | {silos.Values.Sum(s => s.JitSeconds) * 1000:F0} ms/s, {silos.Values.Sum(s => s.JitMethods) / perSecond:F2} methods/request";
    }

    private static string Micros(RunResult r, string group) =>
        r.Costs?.CpuMicrosPerOperation(group, r.Operations) is { } v && !double.IsNaN(v) ? v.ToString("N0", CultureInfo.InvariantCulture) : "";
}
