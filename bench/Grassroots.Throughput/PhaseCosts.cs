using System.Diagnostics;

namespace Grassroots.Throughput;

/// <summary>
/// What one measured window cost: CPU seconds per group of processes (utime+stime from /proc: the silo, PostgreSQL,
/// the load generator, the whole machine) and, for each silo, the rates of its runtime counters (bytes allocated,
/// collections, GC pause, JIT time) over the same window. Per operation = the window's total over the operations the phase
/// counted in it (records created, reads answered, rows inserted). In a cluster, each silo is a group of its own
/// (silo-1, silo-2, …) and its Orleans activity comes from its /metrics (<see cref="SiloMetrics"/>).
/// </summary>
public sealed record PhaseCosts(double Seconds, IReadOnlyDictionary<string, double> CpuSeconds, IReadOnlyDictionary<string, RuntimeRates>? Runtimes,
    IReadOnlyDictionary<string, double>? Database = null)
{
    /// <summary>The runtime counters of the one silo (group <see cref="SiloGroup"/>) of a single-silo bench.</summary>
    public RuntimeRates? Silo => Runtimes?.GetValueOrDefault(SiloGroup);

    /// <summary>Each silo's Orleans activity in the window, when its metrics were scraped.</summary>
    public IReadOnlyDictionary<string, OrleansActivity>? Orleans { get; init; }

    /// <summary>A PostgreSQL statistic per operation (see <see cref="PostgresActivity"/>), or NaN when not measured.</summary>
    public double DatabasePerOperation(string statistic, long operations) =>
        Database is not null && Database.TryGetValue(statistic, out var count) && operations > 0 ? count / operations : double.NaN;

    public const string SiloGroup = "silo", PostgresGroup = "postgres", LoadGroup = "load generator", MachineGroup = "all";

    /// <summary>CPU µs per operation of a group, or NaN when the group was not measured.</summary>
    public double CpuMicrosPerOperation(string group, long operations) =>
        CpuSeconds.TryGetValue(group, out var seconds) && operations > 0 ? seconds * 1e6 / operations : double.NaN;

    /// <summary>The silo's bytes allocated per operation: its allocation rate over the operations' rate in the window.</summary>
    public double AllocatedBytesPerOperation(long operations) =>
        Silo is null || operations == 0 ? double.NaN : Silo.AllocatedBytes / (operations / Seconds);
}

/// <summary>
/// Frames a measured window: starts and stops the CPU sampling (and the silos' runtime counters, by group, are read over it). The
/// silos' metrics are scraped outside the CPU window (before it starts, after it ends), so the scrapes cost it nothing.
/// </summary>
public sealed class CostMeter(IReadOnlyDictionary<string, int> roots, IReadOnlyDictionary<string, RuntimeCounters>? runtimes, PostgresActivity? database = null,
    SiloMetrics? metrics = null)
{
    private Dictionary<string, double> _before = [];
    private Dictionary<string, double>? _databaseBefore;
    private long _started;
    private DateTime _fromUtc;
    private (double Seconds, Dictionary<string, double> Cpu, DateTime ToUtc)? _window;
    private Dictionary<string, double>? _databaseAfter;
    private Dictionary<string, PrometheusText>? _metricsBefore, _metricsAfter;

    public void Start()
    {
        _window = null;
        _metricsBefore = metrics?.Scrape();
        _databaseBefore = database?.Sample();
        _before = ProcessCpu.Sample(roots);
        _fromUtc = DateTime.UtcNow;
        _started = Stopwatch.GetTimestamp();
    }

    public void Stop()
    {
        _window = (Stopwatch.GetElapsedTime(_started).TotalSeconds, ProcessCpu.Difference(_before, ProcessCpu.Sample(roots)), DateTime.UtcNow);
        _databaseAfter = database?.Sample();
        _metricsAfter = metrics?.Scrape();
    }

    /// <summary>The window's costs, once the silo's counters have reported past its end.</summary>
    public async Task<PhaseCosts> CostsAsync()
    {
        var (seconds, cpu, toUtc) = _window ?? throw new InvalidOperationException("The window was not measured.");
        Dictionary<string, RuntimeRates>? rates = null;
        if (runtimes is not null)
        {
            rates = [];
            foreach (var (group, counters) in runtimes)
            {
                await counters.WaitPastAsync(toUtc);
                rates[group] = counters.Over(_fromUtc, toUtc);
            }
        }
        return new PhaseCosts(seconds, cpu, rates,
            _databaseBefore is null || _databaseAfter is null ? null : ProcessCpu.Difference(_databaseBefore, _databaseAfter))
        {
            Orleans = _metricsBefore is null || _metricsAfter is null ? null : SiloMetrics.Between(_metricsBefore, _metricsAfter),
        };
    }
}
