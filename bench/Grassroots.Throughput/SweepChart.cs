namespace Grassroots.Throughput;

/// <summary>A PNG of a connection sweep: records/s of HTTP ingest beside the baselines of the same run.</summary>
public static class SweepChart
{
    public static void Save(IReadOnlyList<SweepPoint> points, string path)
    {
        double[] xs = [.. points.Select(p => (double)p.Connections)];
        var plot = new ScottPlot.Plot();
        var highest = 0.0;
        void Line(string legend, double[] ys)
        {
            var line = plot.Add.Scatter(xs, ys);
            line.LegendText = legend;
            line.LineWidth = 2;
            highest = Math.Max(highest, ys.Max());
        }
        foreach (var (generator, legend) in new[]
                 {
                     ("pgbench", "pgbench single-row autocommit INSERT tx/s"), ("Npgsql", "Npgsql single-row BEGIN/INSERT/COMMIT tx/s"),
                     ("Microsoft.Data.Sqlite", "raw SQLite single-row INSERT tx/s"),
                 })
        {
            if (points.All(p => p.Baseline(generator) is not null)) Line(legend, [.. points.Select(p => p.Baseline(generator)!.PerSecond)]);
        }
        Line("HTTP PUT ingest through Orleans, records/s", [.. points.Select(p => p.Ingest.PerSecond)]);
        plot.Axes.Bottom.Label.Text = "client connections";
        plot.Axes.Left.Label.Text = "per second";
        plot.Axes.Bottom.SetTicks(xs, [.. points.Select(p => p.Connections.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        plot.Axes.SetLimitsY(0, highest * 1.15);
        plot.Title($"Ingest against connections ({Environment.ProcessorCount} cores, database on the same machine, {DateTime.UtcNow:yyyy-MM-dd})");
        plot.ShowLegend(ScottPlot.Alignment.UpperLeft);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        plot.SavePng(path, 900, 520);
        Console.WriteLine($"chart: {path}");
    }
}
