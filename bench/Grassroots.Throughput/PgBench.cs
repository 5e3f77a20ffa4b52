using System.Globalization;
using Grassroots.TestSupport;
using Npgsql;

namespace Grassroots.Throughput;

/// <summary>
/// The baseline the service is judged against: PostgreSQL's own pgbench running single-row autocommit INSERTs of the
/// study_sessions shape (the bench_sessions table of <see cref="IngestBench"/>), as
/// `pgbench -n -M prepared -f script -c 32 -j 2 -T N`, on the same server in the same run. Each transaction inserts one
/// row with a key of its own: the client's id and a counter the client keeps (pgbench variables live as long as the
/// client), and the run's number. Rates are pgbench's own "tps (without initial connection time)"; p50 and p99 come
/// from its per-transaction log (--log: one line per transaction with its latency in µs), not from -r or --progress,
/// which give only averages. A warm-up run comes first and is not logged.
/// </summary>
public static class PgBench
{
    /// <summary>pgbench on the PATH, or null.</summary>
    public static string? Path { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(d => System.IO.Path.Combine(d, "pgbench")).FirstOrDefault(File.Exists);

    private const string Script = """
        \set seq :seq + 1
        \set b (:client_id + :seq * :clients) % :branches
        INSERT INTO bench_sessions VALUES ('bench-' || lpad((:b)::text, 6, '0'), 'p' || (:run)::text || '-' || (:client_id)::text || '-' || (:seq)::text,
            'bench', '110101', '集中学习劳模表彰大会讲话精神', '2021-03-01', 'offline', 'group-study', 45, 30, 12, 20, NULL, NULL, false, NULL,
            now(), now(), 1);
        """;

    private static int _runs;

    /// <summary>Runs the warm-up and the measured run; the hooks frame the measured one. Throws if any transaction failed.</summary>
    public static async Task<RunResult> RunAsync(string connectionString, int clients, int branches, TimeSpan warmup, TimeSpan duration,
        Action? onMeasureStart = null, Action? onMeasureEnd = null)
    {
        if (Path is null) throw new InvalidOperationException("pgbench is not installed (apt-get install postgresql-client)");
        var name = $"pgbench single-row autocommit INSERT, {clients} clients";
        var dir = Directory.CreateTempSubdirectory("grassroots-pgbench-").FullName;
        try
        {
            var script = System.IO.Path.Combine(dir, "insert.sql");
            await File.WriteAllTextAsync(script, Script);
            Console.WriteLine($"  [{name}] warming up for {warmup.TotalSeconds:0} s");
            if (warmup > TimeSpan.Zero) await RunOnceAsync(connectionString, script, dir, clients, branches, warmup, log: false);
            Console.WriteLine($"  [{name}] measuring for {duration.TotalSeconds:0} s");
            onMeasureStart?.Invoke();
            var (tps, processed) = await RunOnceAsync(connectionString, script, dir, clients, branches, duration, log: true);
            onMeasureEnd?.Invoke();
            var latencies = Directory.EnumerateFiles(dir, "pgbench_log.*").SelectMany(File.ReadLines)
                .Select(l => long.Parse(l.Split(' ')[2], CultureInfo.InvariantCulture)).Order().ToArray();
            if (latencies.Length != processed)
                Console.WriteLine($"  [{name}] note: {latencies.Length:N0} transactions logged, {processed:N0} reported");
            double Percentile(double p) => latencies.Length == 0 ? 0 : latencies[(int)Math.Min(latencies.Length - 1, p * latencies.Length)] / 1000.0;
            // pgbench's own rate excludes the time its clients took to connect; the elapsed time here is what that rate implies.
            return new RunResult(name, processed, TimeSpan.FromSeconds(processed / tps), Percentile(0.50), Percentile(0.99)) { Generator = "pgbench" };
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Beyond its -T: pgbench connects its clients first and finishes the transactions in flight; far past that, it hangs and is killed.</summary>
    private static readonly TimeSpan Overrun = TimeSpan.FromMinutes(5);

    private static async Task<(double Tps, long Processed)> RunOnceAsync(string connectionString, string script, string dir, int clients,
        int branches, TimeSpan duration, bool log)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        // The password goes in the environment, not on the command line.
        var environment = new Dictionary<string, string?>
        {
            ["PGHOST"] = cs.Host,
            ["PGPORT"] = cs.Port.ToString(CultureInfo.InvariantCulture),
            ["PGUSER"] = cs.Username,
            ["PGPASSWORD"] = cs.Password,
            ["PGDATABASE"] = cs.Database,
        };
        var run = Interlocked.Increment(ref _runs) + Environment.ProcessId % 10_000 * 1000;
        string[] args = ["-n", "-M", "prepared", "-f", script, "-c", $"{clients}", "-j", $"{Math.Min(2, clients)}",
            "-T", $"{(int)Math.Ceiling(duration.TotalSeconds)}", "-D", "seq=0", "-D", $"clients={clients}", "-D", $"branches={branches}", "-D", $"run={run}",
            .. log ? (string[])["--log", "--log-prefix=" + System.IO.Path.Combine(dir, "pgbench_log")] : []];
        var (exit, stdout, stderr) = await ProcessRunner.RunAsync(Path!, args, duration + Overrun, dir, environment);
        string? Value(string prefix) => stdout.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..].Trim();
        var failed = Value("number of failed transactions:");
        if (exit != 0 || (failed is not null && !failed.StartsWith("0 ", StringComparison.Ordinal)))
            throw new InvalidOperationException($"pgbench failed (exit {exit}):\n{stdout}\n{stderr}");
        var tps = Value("tps =") ?? throw new InvalidOperationException($"pgbench printed no tps:\n{stdout}");
        var processed = Value("number of transactions actually processed:")!.Split('/')[0];
        if (log) Console.WriteLine(string.Join('\n', stdout.Split('\n').Where(l => l.Length > 0).Select(l => "    " + l)));
        return (double.Parse(tps.Split(' ')[0], CultureInfo.InvariantCulture), long.Parse(processed, CultureInfo.InvariantCulture));
    }
}
