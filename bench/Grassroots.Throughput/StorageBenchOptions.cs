using System.Globalization;

namespace Grassroots.Throughput;

public sealed record StorageBenchOptions(
    string Postgres,
    int Writers = 64,
    int Seconds = 10,
    int WarmupSeconds = 2,
    int MaxBatchSize = 512,
    double MaxBatchDelayMs = 1,
    int InsertConnections = 4,
    string Phases = "abc")
{
    public static StorageBenchOptions? Parse(string[] args)
    {
        string? postgres = null;
        var options = new StorageBenchOptions("");
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            int Int() => int.Parse(value, CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--postgres": postgres = value; break;
                case "--writers": options = options with { Writers = Int() }; break;
                case "--seconds": options = options with { Seconds = Int() }; break;
                case "--warmup": options = options with { WarmupSeconds = Int() }; break;
                case "--max-batch-size": options = options with { MaxBatchSize = Int() }; break;
                case "--max-batch-delay-ms": options = options with { MaxBatchDelayMs = double.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--insert-connections": options = options with { InsertConnections = Int() }; break;
                case "--phases": options = options with { Phases = value }; break;
                default: return null;
            }
        }
        return args.Length % 2 == 0 && postgres is not null ? options with { Postgres = postgres } : null;
    }
}
