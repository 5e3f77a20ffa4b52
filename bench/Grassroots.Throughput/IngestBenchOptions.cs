using System.Globalization;

namespace Grassroots.Throughput;

/// <summary>How HTTP load is generated: wrk (the default when it is installed) or HttpClient loops in this process.</summary>
public enum LoadGenerator
{
    Wrk,
    Http,
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
    public LoadGenerator Load { get; init; } = Wrk.Path is null ? LoadGenerator.Http : LoadGenerator.Wrk;

    /// <summary>wrk's threads (each drives connections / threads connections).</summary>
    public int WrkThreads { get; init; } = 2;

    /// <summary>The GC modes to start the silo with, one after the other, each measured over the same database.</summary>
    public IReadOnlyList<GcMode> GcModes { get; init; } = [GcMode.Build];

    /// <summary>A .nettrace of the silo over the (first) ingest window; with several GC modes, one per mode.</summary>
    public string? Trace { get; init; }

    /// <summary>A Linux perf CPU profile of the silo over the (first) ingest window; with several GC modes, one per mode.</summary>
    public string? Perf { get; init; }

    /// <summary>The silo's allocation ticks over the (first) ingest window, reported by type and method (<see cref="AllocationProfile"/>).</summary>
    public string? Allocations { get; init; }

    /// <summary>The same over the national read's window (--alloc-read).</summary>
    public string? ReadAllocations { get; init; }

    /// <summary>The arguments as given, for the report (the connection string shown as "$PG").</summary>
    public string CommandLine { get; init; } = "";

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
                case "--load" when Enum.TryParse<LoadGenerator>(value, ignoreCase: true, out var load): options = options with { Load = load }; break;
                case "--wrk-threads": options = options with { WrkThreads = Int() }; break;
                case "--trace": options = options with { Trace = value }; break;
                case "--perf": options = options with { Perf = value }; break;
                case "--alloc": options = options with { Allocations = value }; break;
                case "--alloc-read": options = options with { ReadAllocations = value }; break;
                case "--gc":
                    var modes = value == "all" ? [.. GcMode.All.Skip(1)] : value.Split(',').Select(GcMode.Parse).ToList();
                    if (modes.Any(m => m is null)) return null;
                    options = options with { GcModes = modes! };
                    break;
                default: return null;
            }
        }
        // One of the two databases; SQLite's baseline has one writer unless told otherwise.
        if (options.Sqlite == (postgres is not null)) return null;
        options = options with { CommandLine = string.Join(' ', args.Select(a => a == postgres ? "\"$PG\"" : a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a)) };
        return options.Sqlite ? options with { BaselineConnections = baselineGiven ? options.BaselineConnections : 1 } : options with { Postgres = postgres! };
    }
}
