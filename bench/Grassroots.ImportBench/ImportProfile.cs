using System.Globalization;
using System.Text.RegularExpressions;
using Grassroots.TestSupport;
using Grassroots.Throughput;

namespace Grassroots.ImportBench;

/// <summary>
/// Where a phase's CPU goes, per row: Linux perf samples this process (which hosts the service) over the phase, and its
/// samples are summed by component — by the namespace of the method for managed code (the process must run with
/// DOTNET_PerfMapEnabled=1 and DOTNET_EnableWriteXorExecute=0 so that perf can name JIT-compiled methods), by library
/// for native code. A component's µs per row is its share of the samples times the process's CPU µs per row measured
/// over the same phase.
/// </summary>
public sealed partial class ImportProfile(string file)
{
    private SiloPerf? _perf;

    /// <summary>Components in the order they are listed, each with the namespaces (or libraries) it holds.</summary>
    private static readonly (string Component, string[] Prefixes)[] Components =
    [
        ("CSV reading (Sylvan.Data.Csv, CsvHelper)", ["Sylvan.", "CsvHelper."]),
        ("Excel reading (zip, XmlReader)", ["System.Xml.", "System.IO.Compression.", "libSystem.IO.Compression.Native", "libz"]),
        ("import: cells to rows, checks, decisions (Grassroots.Silo.Imports)", ["Grassroots.Silo.Imports."]),
        ("field rules (DataAnnotations, Grassroots.Silo.Apis, the framework's validation)",
            ["System.ComponentModel.DataAnnotations.", "Grassroots.Silo.Apis.", "Microsoft.Extensions.Validation.", "System.Text.RegularExpressions."]),
        ("domain: records, locks, caches, rollups (Grassroots.Domain)", ["Grassroots.Domain."]),
        ("storage: group commit (Grassroots.Storage)", ["Grassroots.Storage."]),
        ("PostgreSQL client (Npgsql)", ["Npgsql."]),
        ("HTTP (Kestrel, ASP.NET Core, System.Net)", ["Microsoft.AspNetCore.", "System.Net.", "Microsoft.Extensions."]),
        ("Orleans", ["Orleans."]),
        ("text, numbers, strings (System.Text, Globalization)", ["System.Text.", "System.String", "System.Globalization.", "System.Number",
            "System.Buffers.", "System.SpanHelpers", "System.MemoryExtensions", "System.Int32", "System.DateOnly", "System.DateTime", "System.Char"]),
        ("collections, LINQ, reflection", ["System.Collections.", "System.Linq.", "System.Reflection.", "System.RuntimeType", "System.Runtime.CompilerServices.CastHelpers"]),
        ("async, tasks, threads", ["System.Threading.", "System.Runtime.CompilerServices."]),
        ("runtime: GC, allocation, stubs (libcoreclr.so)", ["libcoreclr.so"]),
        ("JIT compiler (libclrjit.so)", ["libclrjit.so"]),
        ("kernel (system calls, page faults, scheduling)", ["[kernel"]),
        ("C library (libc, memcpy)", ["libc.so", "ld-linux"]),
    ];

    public void Start()
    {
        _perf = new SiloPerf(Environment.ProcessId, file);
        _perf.Start();
    }

    /// <summary>Stops sampling; prints the table of components with µs per row; returns the rows of the table.</summary>
    public async Task<List<(string Component, double Share, double Micros)>> ReportAsync(double microsPerRow, string phase)
    {
        _perf!.Stop();
        await Task.Delay(TimeSpan.FromSeconds(2)); // perf writes its file when interrupted
        var samples = await SamplesAsync();
        var total = samples.Sum(s => s.Share);
        var rows = samples.GroupBy(s => ComponentOf(s.Library, s.Symbol))
            .Select(g => (Component: g.Key, Share: g.Sum(s => s.Share) / total, Micros: g.Sum(s => s.Share) / total * microsPerRow))
            .OrderBy(r => Array.FindIndex(Components, c => c.Component == r.Component) is var i && i < 0 ? int.MaxValue : i).ToList();
        Console.WriteLine();
        Console.WriteLine($"== where the {phase}'s CPU goes ({microsPerRow:N1} µs a row in all; perf samples of this process in {file})");
        Console.WriteLine("| component | share | µs/row |");
        Console.WriteLine("|---|---:|---:|");
        foreach (var (component, share, micros) in rows) Console.WriteLine($"| {component} | {share:P1} | {micros:N2} |");
        return rows;
    }

    private static string ComponentOf(string library, string symbol)
    {
        var name = MapName().Match(symbol) is { Success: true } m ? m.Groups[1].Value : symbol;
        foreach (var (component, prefixes) in Components)
            if (prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal) || library.StartsWith(p, StringComparison.Ordinal))) return component;
        return library.EndsWith(".dll", StringComparison.Ordinal) ? $"other precompiled framework code ({library})" : "other";
    }

    /// <summary>`perf report` by library and symbol, exclusive, every line: share, library, symbol.</summary>
    private async Task<List<(double Share, string Library, string Symbol)>> SamplesAsync()
    {
        var report = await ProcessRunner.RunAsync(SiloPerf.Path!,
            ["report", "-i", file, "--stdio", "--no-children", "--sort", "dso,symbol", "-g", "none", "--percent-limit", "0"], SiloPerf.ReportLimit);
        var samples = new List<(double, string, string)>();
        foreach (var line in report.Output.Split('\n'))
        {
            var match = ReportLine().Match(line);
            if (match.Success && double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var share))
                samples.Add((share, match.Groups[2].Value.Trim(), match.Groups[3].Value.Trim()));
        }
        return samples;
    }

    [GeneratedRegex(@"^\s*([0-9.]+)%\s+(.+?)\s+\[[.k]\]\s+(.*?)(\s+-)*\s*$")]
    private static partial Regex ReportLine();

    /// <summary>A JIT-compiled method as the perf map names it: "instance void [Assembly] Namespace.Type::Method(…)" → "Namespace.Type::Method(…)".</summary>
    [GeneratedRegex(@"^(?:instance )?[^\[]*\[[^\]]+\] (.*)$")]
    private static partial Regex MapName();
}
