using Grassroots.Domain;
using Grassroots.Silo.Apis;
using Grassroots.Domain.Rollups;
using Grassroots.Silo.Hosting;
using Grassroots.Silo.Security;
using Grassroots.Storage;
using Orleans.Configuration;

namespace Grassroots.Silo.Commands;

/// <summary>
/// Commands of the service that run against its database without serving HTTP: `reconcile` and `keys`. They read the
/// configuration the service reads (appsettings, environment, --Section:Key=value arguments). Commands that change
/// keys go through the key grains: connected as an Orleans client to the running service when there is one, so a
/// revocation holds there at once; otherwise in a silo of their own, started for the command alone.
/// </summary>
public static class CommandLine
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is "reconcile" or "keys" or "import";

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null,
        IReadOnlyDictionary<string, string?>? settings = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        return args switch
        {
            ["reconcile", ..] => await WithHostAsync(args, settings, UsingData, sp => ReconcileAsync(sp.GetRequiredService<Reconciler>(), output)),
            ["keys", "create" or "revoke", ..] => await WithGrainsAsync(args, settings, sp => new KeysCommand(sp, output, error).RunAsync(args[1..]), error),
            ["keys", ..] => await WithHostAsync(args, settings, UsingData, sp => new KeysCommand(sp, output, error).RunAsync(args[1..])),
            // Talks to a running service over HTTP, like any client: no host, no database.
            ["import", .. var rest] => await new ImportCommand(output, error).RunAsync(rest),
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

    /// <summary>Grains through a client of the running cluster when one answers, else through a silo of the command's own.</summary>
    private static async Task<int> WithGrainsAsync(string[] args, IReadOnlyDictionary<string, string?>? settings,
        Func<IServiceProvider, Task<int>> run, TextWriter error)
    {
        try
        {
            return await WithHostAsync(args, settings, UsingClient, run);
        }
        catch (Exception failure) when (IsNoGateway(failure))
        {
            error.WriteLine("No running service answered; starting a silo for this command.");
            return await WithHostAsync(args, settings, UsingSilo, run);
        }
    }

    private static void UsingData(HostApplicationBuilder builder) => builder.Services.AddGrassrootsData().AddSingleton<ApiKeyProjection>().AddFieldValidation();

    private static void UsingClient(HostApplicationBuilder builder)
    {
        UsingData(builder);
        var storage = builder.Configuration.GetSection("Storage").Get<StorageOptions>() ?? new StorageOptions();
        var cluster = builder.Configuration.GetSection("Cluster").Get<ClusterSettings>() ?? new ClusterSettings();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ServiceId));
            if (cluster.UsesDatabaseMembership(storage))
                client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) =
                    (SiloHosting.InvariantOf(storage.Provider), Database.ConnectionStringFor(storage)));
            else
                client.UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId);
            // No service answering is an answer: the command then runs its own silo rather than waiting for one.
            client.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
        });
        builder.Services.AddApiKeys();
    }

    private static void UsingSilo(HostApplicationBuilder builder)
    {
        builder.AddGrassrootsSilo();
        builder.Services.AddApiKeys();
    }

    /// <summary>
    /// A host with the service's configuration and <paramref name="compose"/>'s services, started without the HTTP
    /// server; its log goes to standard error, so standard output carries only the command's result.
    /// </summary>
    private static async Task<int> WithHostAsync(string[] args, IReadOnlyDictionary<string, string?>? settings,
        Action<HostApplicationBuilder> compose, Func<IServiceProvider, Task<int>> run)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args[1..] });
        if (settings is not null) builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        // A command says what it did itself; the log only needs what went wrong (Orleans warns of every closed connection).
        // A command says what it did itself; the log only needs what went wrong (Orleans warns of every closed connection).
        builder.Logging.AddFilter(null, LogLevel.Warning).AddFilter("Orleans", LogLevel.Error)
            .AddFilter("Microsoft.Extensions.Hosting", LogLevel.Critical); // a client finding no service is expected
        compose(builder);
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            return await run(host.Services);
        }
        finally
        {
            await host.StopAsync();
            await ((IAsyncDisposable)host).DisposeAsync();
        }
    }

    private static bool IsNoGateway(Exception error) => error is SiloUnavailableException or OrleansException
        || error is System.Net.Sockets.SocketException || (error.InnerException is { } inner && IsNoGateway(inner));

    public static int Usage(TextWriter error)
    {
        error.WriteLine("""
            usage: Grassroots.Silo reconcile
                   Grassroots.Silo keys create --role hq|region-admin|branch --scope <CN|region code|branch id> --label <text>
                   Grassroots.Silo keys list
                   Grassroots.Silo keys revoke <keyId>
                   Grassroots.Silo import FILE --url URL --key KEY [--type branches|study-sessions|honoree-talks|publicity] [--dry-run]
            """);
        return 2;
    }
}
