using System.Globalization;

namespace Grassroots.ImportBench;

/// <param name="Perf">When given, each phase is profiled with Linux perf into files named from it (see <see cref="ImportProfile"/>).</param>
/// <param name="Allocations">Whether each phase's allocations are sampled by type (see <see cref="AllocationProfile"/>).</param>
/// <param name="ExcelReaders">Instead of the import, compare Excel readers on a generated sheet of this path's rows (see <see cref="ExcelReaders"/>).</param>
public sealed record ImportBenchOptions(string Postgres, int Rows = 100_000, int Branches = 100, int InsertConnections = 4, int XlsxRows = 100_000,
    string? Perf = null, bool ExcelReaders = false, bool Allocations = false)
{
    public static ImportBenchOptions? Parse(string[] args)
    {
        var options = new ImportBenchOptions("");
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--excel-readers" or "--allocations")
            {
                options = args[i] == "--allocations" ? options with { Allocations = true } : options with { ExcelReaders = true };
                continue;
            }
            if (i + 1 >= args.Length) return null;
            var value = args[++i];
            int Int() => int.Parse(value, CultureInfo.InvariantCulture);
            options = args[i - 1] switch
            {
                "--postgres" => options with { Postgres = value },
                "--rows" => options with { Rows = Int() },
                "--branches" => options with { Branches = Int() },
                "--insert-connections" => options with { InsertConnections = Int() },
                "--xlsx-rows" => options with { XlsxRows = Int() },
                "--perf" => options with { Perf = value },
                _ => null!,
            };
            if (options is null) return null;
        }
        return options.Postgres.Length > 0 || options.ExcelReaders ? options : null;
    }
}
