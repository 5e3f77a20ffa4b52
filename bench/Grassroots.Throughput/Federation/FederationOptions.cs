using System.Globalization;

namespace Grassroots.Throughput.Federation;

/// <summary>The `federation generate|load|scale` command line: --name value pairs, each verb with its own required ones.</summary>
public sealed record FederationOptions(string Verb, Dictionary<string, string> Values)
{
    private static readonly Dictionary<string, string[]> Required = new()
    {
        ["generate"] = ["data"],
        ["load"] = ["postgres", "data", "database"],
        ["scale"] = ["postgres", "data", "database"],
    };

    private static readonly Dictionary<string, string[]> Optional = new()
    {
        ["generate"] = ["branches", "records", "honorees", "seed"],
        ["load"] = ["via", "configuration"],
        ["scale"] = ["connections", "baseline-connections", "seconds", "warmup", "touch", "phases", "configuration", "load"],
    };

    public static FederationOptions? Parse(string verb, string[] args)
    {
        if (!Required.TryGetValue(verb, out var required) || args.Length % 2 != 0) return null;
        var values = new Dictionary<string, string>();
        for (var i = 0; i < args.Length; i += 2)
        {
            var name = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : null;
            if (name is null || !(required.Contains(name) || Optional[verb].Contains(name))) return null;
            values[name] = args[i + 1];
        }
        if (values.TryGetValue("via", out var via) && via is not ("direct" or "import")) return null;
        if (values.TryGetValue("load", out var load) && !Enum.TryParse<LoadGenerator>(load, ignoreCase: true, out _)) return null;
        return required.All(values.ContainsKey) ? new FederationOptions(verb, values) : null;
    }

    private string Text(string name, string fallback) => Values.GetValueOrDefault(name, fallback);

    private int Int(string name, int fallback) => Values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public static async Task<int> RunAsync(FederationOptions o)
    {
        var configuration = o.Text("configuration", "Release");
        switch (o.Verb)
        {
            case "generate":
                var spec = new FederationSpec(o.Int("branches", 2_800_000), o.Values.TryGetValue("records", out var r) ? long.Parse(r, CultureInfo.InvariantCulture) : 10_000_000,
                    o.Int("honorees", 2_000), o.Int("seed", 20201124));
                var regions = Region.Read(Path.Combine(ServiceBuild.RepositoryRoot(), "seeds", "regions.csv"));
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var manifest = new FederationGenerator(spec, regions).Write(o.Values["data"], Console.WriteLine);
                Console.WriteLine($"== wrote {manifest.Branches:N0} branches and {manifest.Records:N0} records ({manifest.StudySessions:N0} study sessions, " +
                    $"{manifest.HonoreeTalks:N0} talks, {manifest.PublicityItems:N0} publicity items) to {o.Values["data"]} in {watch.Elapsed.TotalSeconds:F0} s");
                return 0;
            case "load":
                await FederationLoad.RunAsync(o.Values["postgres"], o.Values["data"], o.Values["database"], o.Text("via", "direct"), configuration);
                return 0;
            default:
                await FederationScale.RunAsync(o.Values["postgres"], o.Values["data"], o.Values["database"],
                    [.. o.Text("connections", "8,64").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))],
                    o.Int("baseline-connections", 2), o.Int("seconds", 20), o.Int("warmup", 10), o.Int("touch", 100_000), o.Text("phases", "rcm"), configuration,
                    o.Values.TryGetValue("load", out var load) ? Enum.Parse<LoadGenerator>(load, ignoreCase: true) : new IngestBenchOptions("").Load);
                return 0;
        }
    }
}
