using System.Diagnostics.Metrics;

namespace Grassroots.ImportBench;

/// <summary>
/// Listens to the group committer's own instruments during a phase: how many transactions, how many units each carried,
/// and how long the committer spent writing and committing them, against the phase's wall time.
/// </summary>
public sealed class CommitProfile : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _batches, _units;
    private double _commitMs;

    public CommitProfile()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Grassroots" && instrument.Name is "grassroots.storage.batch_size" or "grassroots.storage.commit_latency")
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<int>((_, units, _, _) =>
        {
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _units, units);
        });
        _listener.SetMeasurementEventCallback<double>((_, ms, _, _) =>
        {
            lock (_listener) _commitMs += ms;
        });
        _listener.Start();
    }

    public (long Batches, long Units, double CommitSeconds) Take()
    {
        lock (_listener)
        {
            var taken = (Interlocked.Exchange(ref _batches, 0), Interlocked.Exchange(ref _units, 0), _commitMs / 1000);
            _commitMs = 0;
            return taken;
        }
    }

    public void Dispose() => _listener.Dispose();
}
