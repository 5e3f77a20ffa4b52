using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace Grassroots.Throughput;

/// <summary>
/// The .NET runtime's own counters of another process (the silo), read over its diagnostic port: an EventPipe session
/// that asks the process's MetricsEventSource for the built-in "System.Runtime" meter, so the service needs no change and
/// no exporter of its own (which would itself allocate per request). The meter's counters are cumulative (bytes
/// allocated, collections per generation, GC pause time, JIT time, lock contentions); the session polls them every
/// <see cref="IntervalSeconds"/> and keeps each observation with its time, and <see cref="Over"/> takes the rate of
/// each between the first and last observation inside a window.
/// </summary>
public sealed class RuntimeCounters : IAsyncDisposable
{
    public const double IntervalSeconds = 0.5;
    private const string Provider = "System.Diagnostics.Metrics";

    private readonly EventPipeSession _session;
    private readonly Task _reading;
    private readonly ConcurrentQueue<Observation> _observations = new();
    private readonly string _sessionId = Guid.NewGuid().ToString();
    private string? _error;
    private long _latestTicks;

    private sealed record Observation(DateTime Utc, string Instrument, string Tags, double Value);

    private RuntimeCounters(int pid)
    {
        var client = new DiagnosticsClient(pid);
        var arguments = new Dictionary<string, string>
        {
            ["SessionId"] = _sessionId,
            ["Metrics"] = "System.Runtime",
            ["RefreshInterval"] = IntervalSeconds.ToString(CultureInfo.InvariantCulture),
            ["MaxTimeSeries"] = "1000",
            ["MaxHistograms"] = "10",
        };
        // Keywords: messages (errors) and time-series values.
        _session = client.StartEventPipeSession([new EventPipeProvider(Provider, EventLevel.Informational, 0x3, arguments)], requestRundown: false);
        _reading = Task.Factory.StartNew(Read, TaskCreationOptions.LongRunning);
    }

    public static RuntimeCounters Start(int pid) => new(pid);

    private void Read()
    {
        using var source = new EventPipeEventSource(_session.EventStream);
        source.Dynamic.All += e =>
        {
            if (e.ProviderName != Provider) return;
            if (e.EventName is "Error" or "MultipleSessionsNotSupportedError" or "MultipleSessionsConfiguredIncorrectlyError")
            {
                _error = $"{e.EventName}: {string.Join(", ", e.PayloadNames.Select(n => $"{n}={e.PayloadByName(n)}"))}";
                return;
            }
            if (e.EventName is not ("CounterRateValuePublished" or "UpDownCounterRateValuePublished" or "GaugeValuePublished")) return;
            if ((string)e.PayloadByName("sessionId") != _sessionId) return;
            // Counters carry the cumulative value observed ("value"); gauges their last value.
            var raw = (string)e.PayloadByName(e.EventName == "GaugeValuePublished" ? "lastValue" : "value");
            if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)) return;
            var utc = e.TimeStamp.ToUniversalTime();
            _observations.Enqueue(new(utc, (string)e.PayloadByName("instrumentName"), (string)e.PayloadByName("tags"), value));
            Interlocked.Exchange(ref _latestTicks, utc.Ticks);
        };
        source.Process();
    }

    /// <summary>Waits (up to 10 s) until an observation later than <paramref name="utc"/> has arrived: EventPipe delivers in buffers.</summary>
    public async Task WaitPastAsync(DateTime utc)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (new DateTime(Interlocked.Read(ref _latestTicks), DateTimeKind.Utc) <= utc && DateTime.UtcNow < deadline && !_reading.IsCompleted) await Task.Delay(100);
    }

    /// <summary>Each counter's rate per second between its first and last observation in [from, to], summed over its tags.</summary>
    public RuntimeRates Over(DateTime fromUtc, DateTime toUtc)
    {
        if (_error is not null) throw new InvalidOperationException($"The silo's runtime counters reported {_error}");
        var rates = new Dictionary<string, double>();
        var spans = new List<double>();
        foreach (var series in _observations.Where(o => o.Utc >= fromUtc && o.Utc <= toUtc).GroupBy(o => (o.Instrument, o.Tags)))
        {
            var (first, last) = (series.MinBy(o => o.Utc)!, series.MaxBy(o => o.Utc)!);
            var seconds = (last.Utc - first.Utc).TotalSeconds;
            if (seconds <= 0) continue;
            spans.Add(seconds);
            var key = series.Key.Instrument + (series.Key.Instrument == "dotnet.gc.collections" ? "/" + series.Key.Tags : "");
            rates[key] = rates.GetValueOrDefault(key) + (last.Value - first.Value) / seconds;
        }
        return new RuntimeRates(rates, spans.Count == 0 ? 0 : spans.Min());
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _session.StopAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is ServerNotAvailableException or EndOfStreamException or IOException)
        {
            // the process has exited: its session ended with it
        }
        await _reading.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        _session.Dispose();
    }
}

/// <summary>Rates per second of the System.Runtime meter's counters over a window, and the shortest span they were taken over.</summary>
public sealed record RuntimeRates(IReadOnlyDictionary<string, double> PerSecond, double SpanSeconds)
{
    public double AllocatedBytes => PerSecond.GetValueOrDefault("dotnet.gc.heap.total_allocated");
    public double PauseFraction => PerSecond.GetValueOrDefault("dotnet.gc.pause.time");
    public double Collections(string generation) => PerSecond.GetValueOrDefault($"dotnet.gc.collections/gc.heap.generation={generation}");
    public double JitSeconds => PerSecond.GetValueOrDefault("dotnet.jit.compilation.time");
    public double JitMethods => PerSecond.GetValueOrDefault("dotnet.jit.compiled_methods");
    public double LockContentions => PerSecond.GetValueOrDefault("dotnet.monitor.lock_contentions");
}
