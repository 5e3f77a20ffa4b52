using Grassroots.Domain.Rollups;

namespace Grassroots.Silo.Commands;

/// <summary>Commands of the service that run against its database without serving HTTP: `reconcile`.</summary>
public static class CommandLine
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "reconcile" or "keys";

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        // Start the hosted services (migrations, reference data) without the HTTP server.
        foreach (var service in app.Services.GetServices<IHostedService>().Where(s => s is not RollupFeed))
            await service.StartAsync(CancellationToken.None);
        return args[0] switch
        {
            "reconcile" => await ReconcileAsync(app.Services.GetRequiredService<Reconciler>()),
            _ => Usage(),
        };
    }

    private static async Task<int> ReconcileAsync(Reconciler reconciler)
    {
        Console.WriteLine("Recounting every rollup from the facts…");
        var differences = await reconciler.CompareAsync();
        foreach (var difference in differences) Console.WriteLine(difference);
        Console.WriteLine(differences.Count == 0 ? "No differences: every rollup equals a recount of the facts." : $"{differences.Count} rows differ.");
        return differences.Count == 0 ? 0 : 1;
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: Grassroots.Silo reconcile");
        return 2;
    }
}
