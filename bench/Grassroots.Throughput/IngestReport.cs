using System.Globalization;

namespace Grassroots.Throughput;

/// <summary>One point of a connection sweep: the baselines and the ingest at that many connections.</summary>
public sealed record SweepPoint(int Connections, IReadOnlyList<RunResult> Baselines, RunResult Ingest)
{
    public RunResult? Baseline(string generator) => Baselines.FirstOrDefault(b => b.Generator == generator);
}

/// <summary>
/// What the ingest bench prints: each phase beside its strongest baselines from the same run (pgbench and Npgsql on
/// PostgreSQL, raw SQLite on SQLite), with the silo's CPU, allocations and GC per operation, the CPU of every process
/// group, and the conditions (command line, machine, load, GC modes) that a figure needs to be quoted.
/// </summary>
public sealed class IngestReport(IngestBenchOptions options)
{
    private string _loadBefore = "";

    public List<RunResult> Phases { get; } = [];

    public List<SweepPoint> Sweep { get; } = [];

    public List<string> Traces { get; } = [];

    public Dictionary<string, string> GcObserved { get; } = [];

    public string Server { get; set; } = "";

    public string Reconcile { get; set; } = "";

    private string Command => $"dotnet run -c Release --project bench/Grassroots.Throughput -- ingest {options.CommandLine}";

    public void Start()
    {
        _loadBefore = LoadAverage();
        Console.WriteLine($"== {Command}");
        Console.WriteLine($"== {Environment.ProcessorCount} cores, load average {_loadBefore}; HTTP load from {options.Load switch
        {
            LoadGenerator.Wrk => $"wrk ({options.WrkThreads} threads)",
            _ => "HttpClient in this process",
        }}");
    }

    public void Print()
    {
        Console.WriteLine();
        if (Sweep.Count > 0) PrintSweep();
        else PrintPhases();
        Console.WriteLine();
        Console.WriteLine($"command: {Command}");
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores; load average {_loadBefore} before, {LoadAverage()} after; .NET {Environment.Version}; {Server}");
        Console.WriteLine($"HTTP load: {(options.Load == LoadGenerator.Wrk ? $"wrk, {options.WrkThreads} threads (closed loop; p50/p99 from wrk's latency histogram)" : "HttpClient loops in the bench process")}; " +
            $"{options.Seconds} s measured after {options.WarmupSeconds} s warm-up per phase; {options.Branches:N0} branches");
        Console.WriteLine("GC: " + string.Join("; ", options.GcModes.Select(m =>
            $"{m.Name} = {m.Description}{(GcObserved.TryGetValue(m.Name, out var seen) ? $", observed {seen}" : "")}")));
        Console.WriteLine("how: CPU is utime+stime from /proc over each measured window; the silo's bytes allocated, collections and GC pause " +
            $"come from its System.Runtime meter read over EventPipe every {RuntimeCounters.IntervalSeconds} s (rate in the window ÷ operations' rate); " +
            "pgbench's p50/p99 from its per-transaction --log; pgbench runs -M prepared -j 2; PostgreSQL's commits, table scans " +
            "(index or sequential, foreign-key checks included) and blocks read from outside shared buffers from pg_stat_database and pg_stat_user_tables.");
        foreach (var trace in Traces)
            Console.WriteLine(trace.EndsWith(".nettrace", StringComparison.Ordinal)
                ? $"trace: {trace} (dotnet-trace report {trace} topN -n 25 [--inclusive]); the traced window's figures include the tracing's cost"
                : $"perf: {trace} (perf report -i {trace} --no-children --sort symbol); the profiled window's figures include perf's cost");
        Console.WriteLine($"reconcile: {Reconcile.Split('\n').LastOrDefault(l => l.Trim().Length > 0)?.Trim()}");
    }

    private void PrintPhases()
    {
        var pgbench = Phases.FirstOrDefault(p => p.Generator == "pgbench");
        var npgsql = Phases.FirstOrDefault(p => p.Generator == "Npgsql");
        var sqlite = Phases.FirstOrDefault(p => p.Generator == "Microsoft.Data.Sqlite");
        var ratios = options.Sqlite ? "× raw SQLite |" : "× pgbench | × Npgsql |";
        Console.WriteLine($"| phase | per second | p50 | p99 | {ratios} silo CPU µs/op | silo bytes allocated/op | silo GCs/s (gen0/1/2) | silo GC pause |");
        Console.WriteLine($"|---|---:|---:|---:|{(options.Sqlite ? "---:|" : "---:|---:|")}---:|---:|---:|---:|");
        foreach (var r in Phases)
        {
            var read = r.Name.Contains("read", StringComparison.Ordinal);
            string Ratio(RunResult? baseline) => baseline is null || read ? "" : $"{r.PerSecond / baseline.PerSecond:F2}×";
            var silo = IsBaseline(r) ? "| | | |" : SiloColumns(r);
            Console.WriteLine($"| {r.Name} ({r.Generator}) | {r.PerSecond:N0} | {r.P50Ms:F1} ms | {r.P99Ms:F1} ms | " +
                (options.Sqlite ? $"{Ratio(sqlite)} |" : $"{Ratio(pgbench)} | {Ratio(npgsql)} |") + $" {silo}");
        }
        Console.WriteLine();
        Console.WriteLine("CPU per operation in each measured window (µs; the load generator is this bench with its children, pgbench and wrk):");
        Console.WriteLine("| phase | silo | PostgreSQL | load generator | machine | cores busy | silo JIT in window | PostgreSQL per op: commits, table scans, blocks read |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in Phases.Where(p => p.Costs is not null))
        {
            var c = r.Costs!;
            string Micros(string group) => c.CpuMicrosPerOperation(group, r.Operations) is var v && double.IsNaN(v) ? "" : $"{v:N0}";
            Console.WriteLine($"| {r.Name} | {Micros(PhaseCosts.SiloGroup)} | {Micros(PhaseCosts.PostgresGroup)} | {Micros(PhaseCosts.LoadGroup)} | " +
                $"{Micros(PhaseCosts.MachineGroup)} | {c.CpuSeconds.GetValueOrDefault(PhaseCosts.MachineGroup) / c.Seconds:F2} of {Environment.ProcessorCount} | " +
                $"{(c.Silo is null ? "" : $"{c.Silo.JitSeconds * 1000:F0} ms/s")} | {Database(c, r.Operations)} |");
        }
    }

    private static string Database(PhaseCosts c, long operations) => c.Database is null ? "" :
        $"{c.DatabasePerOperation(PostgresActivity.Commits, operations):F3}, {c.DatabasePerOperation(PostgresActivity.Scans, operations):F2}, " +
        $"{c.DatabasePerOperation(PostgresActivity.BlocksRead, operations):F2}";

    private static bool IsBaseline(RunResult r) => r.Generator is "pgbench" or "Npgsql" or "Microsoft.Data.Sqlite";

    private static string SiloColumns(RunResult r)
    {
        if (r.Costs is not { } c) return "| | | |";
        var cpu = c.CpuMicrosPerOperation(PhaseCosts.SiloGroup, r.Operations);
        if (c.Silo is not { } rates) return $"{cpu:N0} | | | |";
        return $"{cpu:N0} | {Bytes(c.AllocatedBytesPerOperation(r.Operations))} | " +
            $"{rates.Collections("gen0"):F1} / {rates.Collections("gen1"):F1} / {rates.Collections("gen2"):F2} | {rates.PauseFraction:P1} |";
    }

    private void PrintSweep()
    {
        Console.WriteLine(options.Sqlite
            ? "| connections | raw SQLite tx/s (p99) | HTTP PUT ingest records/s (p50, p99) | × raw SQLite | silo CPU µs/record | silo bytes/record | silo GC pause |"
            : "| connections | pgbench tx/s (p99) | Npgsql tx/s (p99) | HTTP PUT ingest records/s (p50, p99) | × pgbench | × Npgsql | silo CPU µs/record | silo bytes/record | silo GC pause |");
        Console.WriteLine(options.Sqlite ? "|---:|---:|---:|---:|---:|---:|---:|" : "|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var point in Sweep)
        {
            var i = point.Ingest;
            string Rate(RunResult? b) => b is null ? "" : $"{b.PerSecond:N0} ({b.P99Ms:F1} ms)";
            string Ratio(RunResult? b) => b is null ? "" : $"{i.PerSecond / b.PerSecond:F2}×";
            var baselines = options.Sqlite
                ? $"{Rate(point.Baseline("Microsoft.Data.Sqlite"))} | {i.PerSecond:N0} ({i.P50Ms:F1} ms, {i.P99Ms:F1} ms) | {Ratio(point.Baseline("Microsoft.Data.Sqlite"))}"
                : $"{Rate(point.Baseline("pgbench"))} | {Rate(point.Baseline("Npgsql"))} | {i.PerSecond:N0} ({i.P50Ms:F1} ms, {i.P99Ms:F1} ms) | " +
                  $"{Ratio(point.Baseline("pgbench"))} | {Ratio(point.Baseline("Npgsql"))}";
            var c = i.Costs;
            Console.WriteLine($"| {point.Connections} | {baselines} | {c?.CpuMicrosPerOperation(PhaseCosts.SiloGroup, i.Operations):N0} | " +
                $"{(c is null ? "" : Bytes(c.AllocatedBytesPerOperation(i.Operations)))} | {c?.Silo?.PauseFraction:P1} |");
        }
    }

    internal static string Bytes(double bytes) =>
        double.IsNaN(bytes) ? "" : bytes >= 10_240 ? $"{bytes / 1024:N1} KB" : $"{bytes:N0} B";

    internal static string LoadAverage() =>
        string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture).ToString("F2", CultureInfo.InvariantCulture)));
}
