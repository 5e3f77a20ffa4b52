using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Grassroots.TestSupport;

namespace Grassroots.Throughput;

/// <summary>
/// A CPU profile of the silo over a measured window from Linux perf: `perf record -F 999 -g -p PID` samples only the
/// time the silo's threads are on a core (unlike the EventPipe sampler, which samples waiting threads too), and the silo
/// runs with DOTNET_PerfMapEnabled=1 so that perf can name JIT-compiled methods (/tmp/perf-PID.map), and with
/// DOTNET_EnableWriteXorExecute=0, without which JIT code runs from an anonymous double mapping perf cannot match to
/// that map. After the window the bench prints the top methods by exclusive and by inclusive share, each also as µs per
/// operation: the share times the silo's CPU µs per operation measured over the same window. Code perf cannot name
/// (the runtime's own libcoreclr.so ships without symbols: GC, allocation helpers, stubs; ReadyToRun code not yet
/// rejitted) is summed per library in the exclusive table and left out of the inclusive one.
/// </summary>
public sealed partial class SiloPerf(int pid, string file)
{
    /// <summary>What the silo must be started with for perf to name its JIT-compiled code.</summary>
    public static readonly IReadOnlyDictionary<string, string> SiloEnvironment = new Dictionary<string, string>
    {
        ["DOTNET_PerfMapEnabled"] = "1",
        ["DOTNET_EnableWriteXorExecute"] = "0",
    };

    /// <summary>perf on the PATH, or null.</summary>
    public static string? Path { get; } = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(d => System.IO.Path.Combine(d, "perf")).FirstOrDefault(File.Exists);

    /// <summary>How long `perf report` may take over a window's samples; far beyond what it takes, it hangs and is killed.</summary>
    public static readonly TimeSpan ReportLimit = TimeSpan.FromMinutes(15);

    private readonly string _file = System.IO.Path.GetFullPath(file);
    private Process? _perf;

    public void Start()
    {
        if (Path is null) throw new InvalidOperationException("perf is not installed (apt-get install linux-perf)");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(_file)!);
        var info = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["record", "-F", "999", "-g", "-p", pid.ToString(CultureInfo.InvariantCulture), "-o", _file]) info.ArgumentList.Add(arg);
        _perf = Process.Start(info)!;
        _ = _perf.StandardOutput.ReadToEndAsync();
        _ = _perf.StandardError.ReadToEndAsync();
    }

    /// <summary>perf writes its file when interrupted, as on Ctrl-C.</summary>
    public void Stop()
    {
        if (_perf is { HasExited: false }) Interrupt(_perf.Id);
    }

    /// <summary>Waits for the file, and prints the top methods, exclusive and inclusive, with µs per operation.</summary>
    public async Task<string> ReportAsync(double siloMicrosPerOperation, int top = 25)
    {
        if (_perf is null) return _file;
        await _perf.WaitForExitAsync();
        Console.WriteLine($"== perf profile of the silo (pid {pid}) over the measured window: {_file}");
        foreach (var (title, children) in new[] { ("exclusive (self)", false), ("inclusive (self and callees)", true) })
        {
            var rows = await TopAsync(children);
            Console.WriteLine();
            Console.WriteLine($"Top {top} methods of the silo by {title} CPU share; µs per operation = share × {siloMicrosPerOperation:N0} µs of silo CPU per operation" +
                (children ? " (async and thread-pool plumbing frames left out):" : ":"));
            Console.WriteLine("| share | µs/op | method |");
            Console.WriteLine("|---:|---:|---|");
            foreach (var (share, symbol) in rows.Take(top))
                Console.WriteLine($"| {share:F1}% | {share / 100 * siloMicrosPerOperation:N1} | {Cell(symbol)} |");
        }
        return _file;
    }

    private static string Cell(string symbol) =>
        (symbol.Length > 160 ? symbol[..157] + "…" : symbol).Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>
    /// `perf report` by library and symbol without call graphs: per line the share (inclusive first with --children), the
    /// library, [.] or [k] and the symbol. Unnamed addresses are summed per library (exclusive) or left out (inclusive).
    /// </summary>
    private async Task<List<(double Share, string Symbol)>> TopAsync(bool children)
    {
        var report = await ProcessRunner.RunAsync(Path!, ["report", "-i", _file, "--stdio", "--sort", "dso,symbol", "-g", "none", "--percent-limit", "0.2",
            children ? "--children" : "--no-children"], ReportLimit);
        var rows = new Dictionary<string, double>();
        foreach (var line in report.Output.Split('\n'))
        {
            var trimmed = line.Trim();
            var marker = trimmed.IndexOf(" [.] ", StringComparison.Ordinal) is >= 0 and var user ? user : trimmed.IndexOf(" [k] ", StringComparison.Ordinal);
            var percent = trimmed.IndexOf('%', StringComparison.Ordinal);
            if (trimmed.StartsWith('#') || marker < 0 || percent < 0 || percent > marker) continue;
            if (!double.TryParse(trimmed[..percent], NumberStyles.Float, CultureInfo.InvariantCulture, out var share)) continue;
            var library = trimmed[(trimmed.LastIndexOf('%', marker) + 1)..marker].Trim();
            var symbol = Method(ExtraColumns().Replace(trimmed[(marker + 5)..], "").Trim());
            if (children && Plumbing.Any(p => symbol.StartsWith(p, StringComparison.Ordinal))) continue;
            if (symbol.StartsWith("0x", StringComparison.Ordinal))
            {
                if (children) continue;
                symbol = $"(unnamed code in {library})";
            }
            else if (library.Length > 0 && !library.StartsWith("perf-", StringComparison.Ordinal) && !library.StartsWith('['))
                symbol = $"{symbol} ({library})";
            rows[symbol] = rows.GetValueOrDefault(symbol) + share;
        }
        return [.. rows.OrderByDescending(r => r.Value).Select(r => (r.Value, r.Key))];
    }

    /// <summary>
    /// Frames on nearly every stack that say nothing about where the time goes (async state machine starts and
    /// continuations, the thread pool's loop, thread starts), left out of the inclusive table. A recursive frame such as
    /// an async Start is counted once per level by perf, so its share can exceed 100%.
    /// </summary>
    private static readonly string[] Plumbing =
    [
        "System.Runtime.CompilerServices.Async", "System.Threading.ExecutionContext::", "System.Threading.Tasks.Task::",
        "System.Threading.Tasks.Task`1", "System.Threading.ThreadPoolWorkQueue::", "System.Threading.PortableThreadPool",
        "System.Threading.Thread::", "System.Threading.ThreadPool", "start_thread", "clone3", "__libc_start", "_start",
    ];

    /// <summary>
    /// A JIT-compiled method as the perf map names it, e.g. "instance void [Orleans.Runtime] Orleans.Runtime.X::Run(int32)[OptimizedTier1]",
    /// as "Orleans.Runtime.X::Run": the tiers of one method are one row.
    /// </summary>
    private static string Method(string symbol)
    {
        var match = MapName().Match(symbol);
        return match.Success ? match.Groups[1].Value : symbol;
    }

    [GeneratedRegex(@"^(?:instance )?.*?\[[^\]]+\] ([^(\[ ]+(?:\[[^\]]*\])?[^( ]*)\(.*$")]
    private static partial Regex MapName();

    /// <summary>perf 6 adds IPC columns, "-" where the CPU does not report them.</summary>
    [GeneratedRegex(@"(\s+-)+\s*$")]
    private static partial Regex ExtraColumns();

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    private static void Interrupt(int id) => kill(id, 2);
}
