using Grassroots.Domain.Rollups;
using Grassroots.Silo.Hosting;
using Grassroots.Silo.Security;

namespace Grassroots.Silo.Commands;

/// <summary>Commands of the service that run against its database without serving HTTP: `reconcile` and `keys`.</summary>
public static class CommandLine
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "reconcile" or "keys";

    /// <summary>A command's standard output carries only its result (a new key, a list), so it can be captured.</summary>
    public static void LogToStandardError(WebApplicationBuilder builder) =>
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);

    public static async Task<int> RunAsync(WebApplication app, string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        // Start what a command needs (migrations, reference data, grains): the service's own hosted services only, so
        // not the framework's web host (no HTTP server, no port taken). Of its own, not the rollup feed, nor what only a
        // serving process should do on first start: load demo data, print the hq key.
        foreach (var service in app.Services.GetServices<IHostedService>().Where(s =>
            s.GetType().Namespace?.StartsWith("Grassroots.", StringComparison.Ordinal) == true && s is not (RollupFeed or DemoDataLoader or FirstStartHqKey)))
            await service.StartAsync(CancellationToken.None);
        return args[0] switch
        {
            "reconcile" => await ReconcileAsync(app.Services.GetRequiredService<Reconciler>(), output),
            "keys" => await new KeysCommand(app.Services, output, error).RunAsync(args[1..]),
            _ => Usage(error),
        };
    }

    private static async Task<int> ReconcileAsync(Reconciler reconciler, TextWriter output)
    {
        output.WriteLine("Recounting every rollup from the facts…");
        var differences = await reconciler.CompareAsync();
        foreach (var difference in differences) output.WriteLine(difference);
        output.WriteLine(differences.Count == 0 ? "No differences: every rollup equals a recount of the facts." : $"{differences.Count} rows differ.");
        return differences.Count == 0 ? 0 : 1;
    }

    public static int Usage(TextWriter error)
    {
        error.WriteLine("""
            usage: Grassroots.Silo reconcile
                   Grassroots.Silo keys create --role hq|region-admin|branch --scope <CN|region code|branch id> --label <text>
                   Grassroots.Silo keys list
                   Grassroots.Silo keys revoke <keyId>
            """);
        return 2;
    }
}
