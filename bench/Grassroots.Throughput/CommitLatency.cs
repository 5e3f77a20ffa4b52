using System.Diagnostics.Metrics;

namespace Grassroots.Throughput;

/// <summary>Listens to the committer's own latency histogram: time to write and commit one batch, without the writers' side.</summary>
public sealed class CommitLatency : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _count;
    private double _sumMs;

    public CommitLatency()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "grassroots.storage.commit_latency") listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<double>((_, ms, _, _) =>
        {
            lock (_listener)
            {
                _count++;
                _sumMs += ms;
            }
        });
        _listener.Start();
    }

    public void Reset()
    {
        lock (_listener) (_count, _sumMs) = (0, 0);
    }

    public double MeanMs
    {
        get
        {
            lock (_listener) return _count == 0 ? 0 : _sumMs / _count;
        }
    }

    public void Dispose() => _listener.Dispose();
}
