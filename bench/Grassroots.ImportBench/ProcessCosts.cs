using System.Diagnostics;
using System.Runtime;
using Grassroots.Throughput;

namespace Grassroots.ImportBench;

/// <summary>
/// What a phase cost this process, which hosts the service (the HTTP client's share, sending one byte array, is
/// negligible): CPU (utime+stime), bytes allocated, collections and GC pause, exact from the runtime itself; the
/// PostgreSQL server's CPU (postmaster and backends, from /proc) over the same interval; and the growth of this process's
/// working set at its peak (sampled every 20 ms), which says whether a phase reads its input as a stream.
/// </summary>
public sealed class ProcessCosts
{
    private readonly IReadOnlyDictionary<string, int> _roots;
    private Dictionary<string, double> _cpu = [];
    private long _allocated, _startSet, _peakSet;
    private int[] _collections = [];
    private TimeSpan _pause;
    private long _started;
    private CancellationTokenSource? _sampling;
    private Task? _sampler;

    private ProcessCosts(IReadOnlyDictionary<string, int> roots) => _roots = roots;

    public static async Task<ProcessCosts> ForAsync(string connectionString) => new(new Dictionary<string, int>
    {
        ["service"] = Environment.ProcessId,
        ["postgres"] = await ProcessCpu.PostgresServerPidAsync(connectionString),
    });

    public static string GcMode => $"{(GCSettings.IsServerGC ? "Server" : "Workstation")} GC" +
        (GCSettings.IsServerGC ? $", DATAS {(Datas ? "on" : "off")}" : "") +
        $", latency mode {GCSettings.LatencyMode}";

    /// <summary>Whether DATAS adapts the heap count: the environment variable wins over the runtime configuration (ServiceRuntime.props).</summary>
    private static bool Datas =>
        (Environment.GetEnvironmentVariable("DOTNET_GCDynamicAdaptationMode") ?? AppContext.GetData("System.GC.DynamicAdaptationMode")?.ToString()) != "0";

    public void Start()
    {
        _cpu = ProcessCpu.Sample(_roots);
        _allocated = GC.GetTotalAllocatedBytes(precise: true);
        _collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        _pause = GC.GetTotalPauseDuration();
        _startSet = _peakSet = WorkingSet();
        _sampling = new CancellationTokenSource();
        var token = _sampling.Token;
        _sampler = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                var set = WorkingSet();
                if (set > Interlocked.Read(ref _peakSet)) Interlocked.Exchange(ref _peakSet, set);
                await Task.Delay(20, CancellationToken.None);
            }
        }, CancellationToken.None);
        _started = Stopwatch.GetTimestamp();
    }

    /// <summary>Per row of the phase: CPU µs of this process (the service, or the client of a baseline) and of PostgreSQL, bytes allocated; and the GCs and pause share.</summary>
    public Cost Stop(long rows, string process = "service")
    {
        var seconds = Stopwatch.GetElapsedTime(_started).TotalSeconds;
        var cpu = ProcessCpu.Difference(_cpu, ProcessCpu.Sample(_roots));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - _allocated;
        var pause = GC.GetTotalPauseDuration() - _pause;
        _sampling!.Cancel();
        _sampler!.GetAwaiter().GetResult();
        return new Cost(process, seconds, cpu["service"] * 1e6 / rows, cpu["postgres"] * 1e6 / rows, allocated / (double)rows,
            [GC.CollectionCount(0) - _collections[0], GC.CollectionCount(1) - _collections[1], GC.CollectionCount(2) - _collections[2]],
            pause.TotalSeconds / seconds, (Interlocked.Read(ref _peakSet) - _startSet) / 1048576.0);
    }

    private static long WorkingSet()
    {
        using var self = Process.GetCurrentProcess();
        return self.WorkingSet64;
    }
}

/// <summary>A phase's costs per row (see <see cref="ProcessCosts"/>).</summary>
public sealed record Cost(string Process, double Seconds, double CpuMicros, double PostgresMicros, double AllocatedBytes, int[] Collections,
    double PauseShare, double PeakGrowthMiB)
{
    public override string ToString() =>
        $"{Process} CPU {CpuMicros:N1} µs/row, PostgreSQL CPU {PostgresMicros:N1} µs/row, allocated {AllocatedBytes:N0} B/row, " +
        $"GCs {string.Join('/', Collections)} (gen0/1/2), GC pause {PauseShare:P1} of {Seconds:F2} s, working set +{PeakGrowthMiB:N0} MiB at its peak";
}
