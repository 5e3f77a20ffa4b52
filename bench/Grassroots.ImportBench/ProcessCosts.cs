using System.Diagnostics;
using System.Runtime;
using Grassroots.Throughput;

namespace Grassroots.ImportBench;

/// <summary>
/// What a phase cost this process, which hosts the service (the HTTP client's share, sending one byte array, is
/// negligible): CPU (utime+stime), bytes allocated, collections and GC pause, exact from the runtime itself; and the
/// PostgreSQL server's CPU (postmaster and backends, from /proc) over the same interval.
/// </summary>
public sealed class ProcessCosts
{
    private readonly IReadOnlyDictionary<string, int> _roots;
    private Dictionary<string, double> _cpu = [];
    private long _allocated;
    private int[] _collections = [];
    private TimeSpan _pause;
    private long _started;

    private ProcessCosts(IReadOnlyDictionary<string, int> roots) => _roots = roots;

    public static async Task<ProcessCosts> ForAsync(string connectionString) => new(new Dictionary<string, int>
    {
        ["service"] = Environment.ProcessId,
        ["postgres"] = await ProcessCpu.PostgresServerPidAsync(connectionString),
    });

    public static string GcMode => $"{(GCSettings.IsServerGC ? "Server" : "Workstation")} GC" +
        (GCSettings.IsServerGC ? $", DOTNET_GCDynamicAdaptationMode={Environment.GetEnvironmentVariable("DOTNET_GCDynamicAdaptationMode") ?? "unset (DATAS on)"}" : "") +
        $", latency mode {GCSettings.LatencyMode}";

    public void Start()
    {
        _cpu = ProcessCpu.Sample(_roots);
        _allocated = GC.GetTotalAllocatedBytes(precise: true);
        _collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        _pause = GC.GetTotalPauseDuration();
        _started = Stopwatch.GetTimestamp();
    }

    /// <summary>Per row of the phase: CPU µs of this process (the service, or the client of a baseline) and of PostgreSQL, bytes allocated; and the GCs and pause share.</summary>
    public string Stop(long rows, string process = "service")
    {
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var cpu = ProcessCpu.Difference(_cpu, ProcessCpu.Sample(_roots));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - _allocated;
        var pause = GC.GetTotalPauseDuration() - _pause;
        return $"{process} CPU {cpu["service"] * 1e6 / rows:N1} µs/row, PostgreSQL CPU {cpu["postgres"] * 1e6 / rows:N1} µs/row, " +
            $"allocated {allocated / (double)rows:N0} B/row, GCs {GC.CollectionCount(0) - _collections[0]}/{GC.CollectionCount(1) - _collections[1]}/" +
            $"{GC.CollectionCount(2) - _collections[2]} (gen0/1/2), GC pause {pause.TotalSeconds / seconds:P1} of {seconds:F2} s";
    }
}
