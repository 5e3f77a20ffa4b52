using System.Diagnostics;

namespace Grassroots.Throughput;

/// <summary>What one timed phase measured.</summary>
public sealed record RunResult(string Name, long Operations, TimeSpan Elapsed, double P50Ms, double P99Ms)
{
    public double PerSecond => Operations / Elapsed.TotalSeconds;

    /// <summary>What generated the load: HttpClient or Npgsql in this process, wrk, pgbench.</summary>
    public string Generator { get; init; } = "in-process";

    /// <summary>CPU and allocations over the measured window, when they were measured.</summary>
    public PhaseCosts? Costs { get; init; }
}

/// <summary>
/// Runs closed-loop workers for a warm-up and then a measured interval, printing a progress line each second.
/// A worker's step returns how many operations it completed (a write, or the rows of one statement).
/// </summary>
public static class TimedRun
{
    public static async Task<RunResult> RunAsync(string name, int workers, Func<int, Task<Func<Task<int>>>> createWorker,
        TimeSpan warmup, TimeSpan duration, Action? onMeasureStart = null, Action? onMeasureEnd = null)
    {
        var steps = await Task.WhenAll(Enumerable.Range(0, workers).Select(createWorker));
        var latencies = Enumerable.Range(0, workers).Select(_ => new List<long>(1 << 16)).ToArray();
        long operations = 0;
        var measuring = false;
        var stop = false;

        async Task WorkAsync(int w)
        {
            while (!Volatile.Read(ref stop))
            {
                var started = Stopwatch.GetTimestamp();
                var done = await steps[w]().ConfigureAwait(false);
                if (!Volatile.Read(ref measuring)) continue;
                latencies[w].Add(Stopwatch.GetTimestamp() - started);
                Interlocked.Add(ref operations, done);
            }
        }

        var running = Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkAsync(w))).ToArray();
        Console.WriteLine($"  [{name}] warming up for {warmup.TotalSeconds:0} s");
        await Task.Delay(warmup).ConfigureAwait(false);
        onMeasureStart?.Invoke();
        var measureStart = Stopwatch.GetTimestamp();
        Volatile.Write(ref measuring, true);
        long last = 0;
        for (var second = 1; second <= (int)duration.TotalSeconds; second++)
        {
            await Task.Delay(measureStart + second * Stopwatch.Frequency - Stopwatch.GetTimestamp() is var ticks and > 0
                ? TimeSpan.FromSeconds((double)ticks / Stopwatch.Frequency) : TimeSpan.Zero).ConfigureAwait(false);
            var now = Interlocked.Read(ref operations);
            Console.WriteLine($"  [{name}] {second,3} s  {now - last,10:N0}/s this second  {now / (double)second,10:N0}/s so far");
            last = now;
        }
        Volatile.Write(ref measuring, false);
        var elapsed = Stopwatch.GetElapsedTime(measureStart);
        onMeasureEnd?.Invoke();
        var total = Interlocked.Read(ref operations);
        Volatile.Write(ref stop, true);
        await Task.WhenAll(running).ConfigureAwait(false);

        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? 0 : all[(int)Math.Min(all.Length - 1, p * all.Length)] * 1000.0 / Stopwatch.Frequency;
        return new RunResult(name, total, elapsed, Percentile(0.50), Percentile(0.99));
    }
}
