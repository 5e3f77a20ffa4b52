using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing.Etlx;

namespace Grassroots.Throughput;

/// <summary>
/// Where the silo allocates over a measured window: the runtime's allocation ticks (one event per ~100 KB allocated, with
/// the type and the stack of the allocation that crossed the mark) collected over its diagnostic port, then summed by type
/// and by method — the method that allocated, and every method on the stack (inclusive). A sample stands for ~100 KB, so
/// the shares are estimates that settle over a window of tens of thousands of requests.
/// </summary>
public sealed class AllocationProfile(int pid, string file)
{
    private const long GcKeyword = 0x1, StackKeyword = 0x40000000;
    private readonly string _file = Path.GetFullPath(file);
    private EventPipeSession? _session;
    private Task? _copying;

    public void Start()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_file)!);
        _session = new DiagnosticsClient(pid).StartEventPipeSession(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, GcKeyword | StackKeyword | 0x8 | 0x10 | 0x20000)],
            requestRundown: true, circularBufferMB: 256);
        var stream = _session.EventStream;
        _copying = Task.Run(async () =>
        {
            await using var target = File.Create(_file);
            await stream.CopyToAsync(target);
        });
    }

    public void Stop() => _session?.Stop();

    /// <summary>Waits for the trace and prints where the bytes went, per <paramref name="operations"/> operations.</summary>
    public async Task ReportAsync(long operations, int top = 25)
    {
        if (_copying is not null) await _copying;
        _session?.Dispose();
        Report(_file, operations, top, filter: null);
    }

    /// <summary>
    /// Prints where the bytes of a trace went; with <paramref name="filter"/>, the inclusive table lists only methods whose
    /// name contains it (e.g. "Grassroots." to see which of the service's own calls the bytes are made under).
    /// </summary>
    public static void Report(string file, long operations, int top, string? filter)
    {
        var _file = file;
        var byType = new Dictionary<string, long>();
        var exclusive = new Dictionary<string, long>();
        var inclusive = new Dictionary<string, long>();
        var sites = new Dictionary<string, long>();
        long total = 0;
        using (var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(_file)))
        {
            var source = log.Events.GetSource();
            source.Clr.GCAllocationTick += tick =>
            {
                var bytes = tick.AllocationAmount64;
                total += bytes;
                Add(byType, tick.TypeName ?? "?", bytes);
                var seen = new HashSet<string>();
                var first = true;
                string? site = null;
                for (var frame = tick.CallStack(); frame is not null; frame = frame.Caller)
                {
                    var method = frame.CodeAddress.FullMethodName;
                    if (string.IsNullOrEmpty(method)) continue;
                    if (first) Add(exclusive, method, bytes);
                    first = false;
                    if (seen.Add(method)) Add(inclusive, method, bytes);
                    if (site is null && !IsRuntimePlumbing(method)) site = method;
                }
                Add(sites, $"{tick.TypeName ?? "?"} ← {site ?? "?"}", bytes);
            };
            source.Process();
        }
        Console.WriteLine($"== allocations of the silo over the measured window ({_file}): {total / 1e6:F1} MB sampled, " +
            $"{(operations == 0 ? 0 : total / (double)operations):N0} bytes per operation");
        Print("type", byType, total, operations, top);
        Print("method that allocated", exclusive, total, operations, top);
        Print("type ← the first frame outside the runtime's plumbing (async builders, collections, LINQ, delegates)", sites, total, operations, top);
        Print("method on the stack (inclusive)", filter is null ? inclusive : inclusive.Where(i => i.Key.Contains(filter, StringComparison.Ordinal))
            .ToDictionary(), total, operations, top);
    }

    /// <summary>Frames that allocate for whoever called them, so that the frame below says where the bytes were asked for.</summary>
    private static bool IsRuntimePlumbing(string method) =>
        method.StartsWith("System.Runtime.CompilerServices.", StringComparison.Ordinal) || method.StartsWith("System.Collections.", StringComparison.Ordinal)
        || method.StartsWith("System.Linq.", StringComparison.Ordinal) || method.StartsWith("System.Threading.", StringComparison.Ordinal)
        || method.StartsWith("System.String", StringComparison.Ordinal) || method.StartsWith("System.Text.StringBuilder", StringComparison.Ordinal)
        || method.StartsWith("System.Number", StringComparison.Ordinal) || method.StartsWith("System.RuntimeTypeHandle", StringComparison.Ordinal)
        || method.StartsWith("System.Array", StringComparison.Ordinal) || method.StartsWith("System.Buffer", StringComparison.Ordinal)
        || method.StartsWith("System.Object", StringComparison.Ordinal) || method.StartsWith("dynamicClass", StringComparison.Ordinal);

    private static void Add(Dictionary<string, long> into, string key, long bytes) => into[key] = into.GetValueOrDefault(key) + bytes;

    private static void Print(string what, Dictionary<string, long> sums, long total, long operations, int top)
    {
        Console.WriteLine($"| {what} | share | bytes per operation |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (key, bytes) in sums.OrderByDescending(s => s.Value).Take(top))
            Console.WriteLine($"| {(key.Length > 400 ? key[..400] + "…" : key)} | {100.0 * bytes / Math.Max(1, total):F1} % | {(operations == 0 ? 0 : bytes / (double)operations):N0} |");
    }
}
