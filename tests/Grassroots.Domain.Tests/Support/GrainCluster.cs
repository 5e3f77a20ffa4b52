using Grassroots.Domain.Hosting;
using Grassroots.Silo.Hosting;
using Grassroots.Silo.Security;
using Grassroots.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.TestingHost;

namespace Grassroots.Domain.Tests.Support;

/// <summary>
/// Orleans' in-process test cluster with the service's grains over a fresh database: every silo its own writer shard
/// (named after the silo), grain state on the ADO.NET provider. Calls from <see cref="Client"/> cross a gateway, so
/// their arguments, results and errors are serialized as between silos.
/// </summary>
public sealed class GrainCluster : IAsyncDisposable
{
    private readonly InProcessTestCluster _cluster;

    private GrainCluster(TestDatabase database, InProcessTestCluster cluster)
    {
        Database = database;
        _cluster = cluster;
    }

    public TestDatabase Database { get; }

    public IClusterClient Client => _cluster.Client;

    public IReadOnlyList<InProcessSiloHandle> Silos => _cluster.Silos;

    /// <summary>A cluster of <paramref name="silos"/> silos (SQLite serves one process, so one silo there), with campaign c1 and branch b1.</summary>
    /// <param name="siloServices">Services of one silo, by its name (the first silo's is <see cref="FirstSilo"/>).</param>
    public static async Task<GrainCluster> StartAsync(StorageProvider provider, int silos = 1,
        Action<IServiceCollection>? services = null, Action<string, IServiceCollection>? siloServices = null)
    {
        var database = await TestDatabase.CreateAsync(provider);
        // Migrated before any silo starts: Orleans' providers read their queries from the schema as they start.
        await using (var db = Grassroots.Storage.Database.Create(database.Options))
            await new Migrator(db, NullLogger<Migrator>.Instance).MigrateAsync();
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSiloHost((options, host) =>
        {
            host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Storage:Provider"] = database.Provider.ToString(),
                ["Storage:ConnectionString"] = database.Options.ConnectionString,
                ["Storage:Shard"] = options.SiloName,
            });
            host.Services.AddGrassrootsGrainServices();
            host.Services.AddApiKeys();
            services?.Invoke(host.Services);
        });
        builder.ConfigureSilo((options, silo) =>
        {
            silo.AddGrassrootsGrains(new StorageOptions { Provider = database.Provider, ConnectionString = database.Options.ConnectionString, Shard = options.SiloName });
            // After Orleans' own, so that a service may amend what Orleans' registers (the manifest's properties).
            siloServices?.Invoke(options.SiloName, silo.Services);
        });
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            await database.DisposeAsync();
            throw;
        }
        return new GrainCluster(database, cluster);
    }

    public T SiloService<T>(int silo = 0) where T : notnull => _cluster.Silos[silo].ServiceProvider.GetRequiredService<T>();

    /// <summary>Stops and starts every silo (new ports, same shards), then reconnects the client.</summary>
    public async Task RestartAsync()
    {
        foreach (var silo in _cluster.Silos.ToList()) await _cluster.RestartSiloAsync(silo);
        await _cluster.StopClusterClientAsync();
        await _cluster.InitializeClientAsync();
    }

    /// <summary>The name Orleans' test cluster gives its first silo.</summary>
    public const string FirstSilo = "Silo_0";

    /// <summary>Stops one silo as a shutdown does: it leaves the membership and the cluster's manifest.</summary>
    public Task StopSiloAsync(int silo) => _cluster.StopSiloAsync(_cluster.Silos[silo]);

    /// <summary>Deactivates the grain wherever it is active, as idle collection would.</summary>
    public Task DeactivateAsync(IGrain grain) => _cluster.DeactivateAsync(grain);

    public async ValueTask DisposeAsync()
    {
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
        await Database.DisposeAsync();
    }
}
