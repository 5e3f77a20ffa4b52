using System.Globalization;

namespace Grassroots.Throughput;

/// <summary>
/// The cluster bench's options. Phases (--phases, any of them in this order):
/// b the baseline, pgbench single-row INSERTs on the cluster's PostgreSQL;
/// w PUTs of new records through nginx, for each number of silos in --silos (default 1,3);
/// r reads of the national, a provincial and a county rollup through nginx, for each number of silos;
/// f freshness probes (with the largest number of silos, at least two);
/// m one silo behind nginx with its management port (Orleans Dashboard, Prometheus) on, then off;
/// s one silo as the cluster configuration runs it (local-cluster.sh, behind nginx and directly) against the standalone
///   silo the ingest bench runs (localhost clustering, no management port), over the same database.
/// Silos are started afresh for each topology and configuration, then warmed up with PUTs and every read at once for
/// --start-warmup seconds before the phases, each of which has its own --warmup before its --seconds measured.
/// </summary>
public sealed record ClusterBenchOptions(
    IReadOnlyList<int> Silos,
    int Connections = 64,
    int BaselineConnections = 32,
    int ReadConnections = 16,
    int LoadConnections = 32,
    int Seconds = 20,
    int WarmupSeconds = 20,
    int StartWarmupSeconds = 40,
    int Branches = 2_000,
    int Probes = 300,
    string Phases = "bwrfms",
    string Configuration = "Release")
{
    /// <summary>The load generator of the measured phases (the freshness probes' background load is HttpClient's).</summary>
    public LoadGenerator Load { get; init; } = new IngestBenchOptions("").Load;

    /// <summary>
    /// The bearer token for the silos' /metrics: the environment's, else the dev-only token that deploy/local-cluster.sh
    /// and docker-compose.yml give their silos when none is set.
    /// </summary>
    public string? MetricsToken { get; init; } = Environment.GetEnvironmentVariable(SiloMetrics.TokenVariable) ?? "grassroots-dev-only-scrape-token";

    /// <summary>Where the topologies run: the local cluster (deploy/local-cluster.sh), or the Docker compose cluster.</summary>
    public bool Compose { get; init; }

    /// <summary>The arguments as given, for the report (a token shown as "$TOKEN").</summary>
    public string CommandLine { get; init; } = "";

    /// <summary>The measured phases' options in the ingest bench's terms, whose load generators they use.</summary>
    public IngestBenchOptions Ingest => new("", Connections, BaselineConnections, ReadConnections, Seconds,
        WarmupSeconds, Branches, Configuration: Configuration) { Load = Load };

    /// <summary>A list of numbers of silos, measured in its order; one number N above 1 alone means 1 and N, as the bench always compared.</summary>
    private static int[] SilosOf(string value)
    {
        int[] silos = [.. value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture))];
        return silos is [> 1 and var n] ? [1, n] : silos;
    }

    public static ClusterBenchOptions? Parse(string[] args)
    {
        var options = new ClusterBenchOptions([1, 3]);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--compose")
            {
                options = options with { Compose = true };
                continue;
            }
            if (i + 1 == args.Length) return null;
            var (option, value) = (args[i], args[++i]);
            int Int() => int.Parse(value, CultureInfo.InvariantCulture);
            switch (option)
            {
                case "--silos": options = options with { Silos = SilosOf(value) }; break;
                case "--connections": options = options with { Connections = Int() }; break;
                case "--baseline-connections": options = options with { BaselineConnections = Int() }; break;
                case "--read-connections": options = options with { ReadConnections = Int() }; break;
                case "--load-connections": options = options with { LoadConnections = Int() }; break;
                case "--seconds": options = options with { Seconds = Int() }; break;
                case "--warmup": options = options with { WarmupSeconds = Int() }; break;
                case "--start-warmup": options = options with { StartWarmupSeconds = Int() }; break;
                case "--branches": options = options with { Branches = Int() }; break;
                case "--probes": options = options with { Probes = Int() }; break;
                case "--phases": options = options with { Phases = value }; break;
                case "--configuration": options = options with { Configuration = value }; break;
                case "--metrics-token": options = options with { MetricsToken = value }; break;
                case "--load" when Enum.TryParse<LoadGenerator>(value, ignoreCase: true, out var load): options = options with { Load = load }; break;
                default: return null;
            }
        }
        if (options.Silos.Count == 0 || options.Silos.Any(s => s < 1) || options.Phases.Any(p => !"bwrfms".Contains(p))) return null;
        // Freshness reads from a silo other than the one that acknowledged.
        if (options.Phases.Contains('f') && options.Silos.Max() < 2) return null;
        return options with
        {
            CommandLine = string.Join(' ', args.Select(a => a == options.MetricsToken ? "\"$TOKEN\"" : a)),
        };
    }
}
