namespace Grassroots.Throughput;

/// <summary>A PNG of a connection sweep: records/s of HTTP ingest beside the raw single-row INSERT baseline of the same run.</summary>
public static class SweepChart
{
    public static void Save(IReadOnlyList<RunResult> results, int[] connections, string path)
    {
        double[] xs = [.. connections.Select(c => (double)c)];
        // The sweep's results come in pairs, baseline then ingest, one pair per number of connections.
        var pairs = results.Take(2 * connections.Length).Chunk(2).ToList();
        double[] baseline = [.. pairs.Select(p => p[0].PerSecond)];
        double[] ingest = [.. pairs.Select(p => p[1].PerSecond)];

        var plot = new ScottPlot.Plot();
        var raw = plot.Add.Scatter(xs, baseline);
        raw.LegendText = "raw PostgreSQL single-row INSERT transactions/s";
        raw.LineWidth = 2;
        var put = plot.Add.Scatter(xs, ingest);
        put.LegendText = "HTTP PUT ingest through Orleans, records/s";
        put.LineWidth = 2;
        plot.Axes.Bottom.Label.Text = "client connections";
        plot.Axes.Left.Label.Text = "per second";
        plot.Axes.Bottom.SetTicks(xs, [.. connections.Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        plot.Axes.SetLimitsY(0, Math.Max(baseline.Max(), ingest.Max()) * 1.15);
        plot.Title($"Ingest against connections (2 cores, PostgreSQL on the same machine, {DateTime.UtcNow:yyyy-MM-dd})");
        plot.ShowLegend(ScottPlot.Alignment.LowerRight);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 900, 520);
        Console.WriteLine($"chart: {path}");
    }
}
