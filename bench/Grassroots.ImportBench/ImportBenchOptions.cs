using System.Globalization;

namespace Grassroots.ImportBench;

public sealed record ImportBenchOptions(string Postgres, int Rows = 100_000, int Branches = 100, int InsertConnections = 4)
{
    public static ImportBenchOptions? Parse(string[] args)
    {
        var options = new ImportBenchOptions("");
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            int Int() => int.Parse(value, CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--postgres" => options with { Postgres = value },
                "--rows" => options with { Rows = Int() },
                "--branches" => options with { Branches = Int() },
                "--insert-connections" => options with { InsertConnections = Int() },
                _ => null!,
            };
            if (options is null) return null;
        }
        return args.Length % 2 == 0 && options.Postgres.Length > 0 ? options : null;
    }
}
