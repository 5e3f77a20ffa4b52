using System.Diagnostics.Metrics;

namespace Grassroots.Storage;

internal static class StorageTelemetry
{
    private static readonly Histogram<int> BatchSize =
        GrassrootsTelemetry.Meter.CreateHistogram<int>("grassroots.storage.batch_size", "{unit}", "Units per committed transaction");
    private static readonly Histogram<double> CommitLatency =
        GrassrootsTelemetry.Meter.CreateHistogram<double>("grassroots.storage.commit_latency", "ms", "Time to write and commit one batch");

    public static void Record(int size, TimeSpan elapsed)
    {
        BatchSize.Record(size);
        CommitLatency.Record(elapsed.TotalMilliseconds);
    }
}
