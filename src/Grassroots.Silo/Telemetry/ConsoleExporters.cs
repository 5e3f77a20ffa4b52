using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;

namespace Grassroots.Silo.Telemetry;

/// <summary>One line per span. The OpenTelemetry.Exporter.Console package is not on the feed, so this is ours.</summary>
internal sealed class ConsoleSpanExporter : BaseExporter<Activity>
{
    public override ExportResult Export(in Batch<Activity> batch)
    {
        foreach (var span in batch)
            Console.WriteLine($"span {span.DisplayName} trace={span.TraceId} parent={span.ParentSpanId} {span.Duration.TotalMilliseconds:F2}ms {span.Status}");
        return ExportResult.Success;
    }
}

/// <summary>One line per metric point.</summary>
internal sealed class ConsoleMetricExporter : BaseExporter<Metric>
{
    public override ExportResult Export(in Batch<Metric> batch)
    {
        foreach (var metric in batch)
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            var value = metric.MetricType switch
            {
                MetricType.LongSum or MetricType.LongSumNonMonotonic => point.GetSumLong().ToString(System.Globalization.CultureInfo.InvariantCulture),
                MetricType.DoubleSum or MetricType.DoubleSumNonMonotonic => point.GetSumDouble().ToString("F2", System.Globalization.CultureInfo.InvariantCulture),
                MetricType.Histogram => $"count={point.GetHistogramCount()} sum={point.GetHistogramSum():F2}",
                _ => "",
            };
            Console.WriteLine($"metric {metric.Name} {value}");
        }
        return ExportResult.Success;
    }
}
