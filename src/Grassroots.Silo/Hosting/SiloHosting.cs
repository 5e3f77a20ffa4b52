using Grassroots.Domain;
using Grassroots.Domain.Hosting;
using Grassroots.Storage;
using Orleans.Configuration;
using Orleans.Storage;

namespace Grassroots.Silo.Hosting;

/// <summary>
/// The Orleans silo inside the service's process: clustering, grain state on the ADO.NET provider, membership timing,
/// and the services grains rely on, registered so that they start before the silo and stop after it.
/// </summary>
public static class SiloHosting
{
    /// <summary>Orleans' invariant names: Npgsql for PostgreSQL; "System.Data.SQLite", which Orleans maps to Microsoft.Data.Sqlite.</summary>
    public static string InvariantOf(StorageProvider provider) => provider == StorageProvider.Postgres ? "Npgsql" : "System.Data.SQLite";

    private const string WatchdogCategory = "Orleans.Runtime.Watchdog";

    /// <summary>
    /// Orleans 10.4.2's watchdog (Orleans.Runtime.Watchdog.Start) starts its platform thread before it sets the
    /// timestamp of the component check, and the platform thread checks at once: it reads the unset timestamp (0), so
    /// "Participant check thread has not completed for" the time since the machine booted, on every silo start, though
    /// nothing stalled. Its warnings are dropped during the process's first minute, which holds that race; a real stall
    /// later is still logged (and the silo's health score records every one). The fix belongs upstream: set the
    /// timestamp before starting the thread.
    /// </summary>
    private static bool SilenceStartupRace(LogLevel level) =>
        level >= LogLevel.Error || (level == LogLevel.Warning && DateTime.Now - ProcessStarted > TimeSpan.FromMinutes(1));

    private static readonly DateTime ProcessStarted = System.Diagnostics.Process.GetCurrentProcess().StartTime;

    public static IHostApplicationBuilder AddGrassrootsSilo(this IHostApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var storage = configuration.GetSection("Storage").Get<StorageOptions>() ?? new StorageOptions();
        var cluster = configuration.GetSection("Cluster").Get<ClusterSettings>() ?? new ClusterSettings();
        var idle = configuration.GetValue("Grains:IdleTimeout", TimeSpan.FromMinutes(10));
        builder.Services.AddGrassrootsGrainServices();
        builder.Logging.AddFilter(WatchdogCategory, SilenceStartupRace);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (cluster.ClusterId, cluster.ServiceId));
            if (cluster.UsesDatabaseMembership(storage))
            {
                silo.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = (InvariantOf(storage.Provider), Database.ConnectionStringFor(storage)));
                silo.ConfigureEndpoints(cluster.AdvertisedIp(), cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
                silo.Configure<ClusterMembershipOptions>(ClusterMembership.Tune);
            }
            else
            {
                silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, serviceId: cluster.ServiceId, clusterId: cluster.ClusterId);
            }
            silo.AddGrassrootsGrains(storage);
            silo.Configure<GrainCollectionOptions>(o => o.CollectionAge = idle);
            // During a rolling upgrade two releases serve side by side. A grain interface that changes between them
            // carries [Version(n)], raised by one; a newer version must still answer an older caller (methods are added,
            // and removed only in a later release), and a call may go to an activation of any version compatible with the
            // caller's (docs/operations.md, "Rolling upgrades"). Orleans' defaults, named here because upgrades rely on them.
            silo.Configure<GrainVersioningOptions>(o =>
            {
                o.DefaultCompatibilityStrategy = nameof(Orleans.Versions.Compatibility.BackwardCompatible);
                o.DefaultVersionSelectorStrategy = nameof(Orleans.Versions.Selector.AllCompatibleVersions);
            });
            silo.AddManagementDashboard(configuration);
        });
        return builder;
    }

    /// <summary>
    /// What a silo of this service is, whatever its clustering: named after its writer shard, grain state on the ADO.NET
    /// provider with plain JSON, grain calls traced. Tests build their silos with this too.
    /// </summary>
    public static ISiloBuilder AddGrassrootsGrains(this ISiloBuilder silo, StorageOptions storage)
    {
        // A silo's name is its writer shard: members of the cluster that die are mapped back to their shard by it.
        silo.Configure<SiloOptions>(o => o.SiloName = storage.Shard);
        silo.UseSystemTextJsonGrainStorageSerializer();
        // The provider is registered under an inner name; grains use it through the wrappers, which keep string keys
        // apart and, on SQLite, keep its blocking I/O off the scheduler's threads.
        const string provider = Constants.GrainStorage + "-adonet";
        silo.AddAdoNetGrainStorage(provider, o => (o.Invariant, o.ConnectionString) = (InvariantOf(storage.Provider), Database.ConnectionStringFor(storage)));
        silo.Services.AddKeyedSingleton<IGrainStorage>(Constants.GrainStorage, (sp, _) =>
        {
            IGrainStorage keyed = new StringKeyedGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(provider));
            return sp.GetRequiredService<Database>().BlocksOnIo ? new OffThreadGrainStorage(keyed) : keyed;
        });
        silo.AddActivityPropagation();
        silo.AddGrassrootsReminders(storage);
        return silo;
    }

    /// <summary>
    /// Reminders (they bring import jobs back after a restart) in the ADO.NET tables of migration 0004; on SQLite its table's
    /// calls run on the thread pool, since that driver blocks in its async methods.
    /// </summary>
    public static ISiloBuilder AddGrassrootsReminders(this ISiloBuilder silo, StorageOptions storage)
    {
        silo.UseAdoNetReminderService(o => (o.Invariant, o.ConnectionString) = (InvariantOf(storage.Provider), Database.ConnectionStringFor(storage)));
        if (storage.Provider == StorageProvider.Sqlite
            && silo.Services.LastOrDefault(d => d.ServiceType == typeof(IReminderTable)) is { ImplementationType: { } table } registered)
        {
            silo.Services.Remove(registered);
            silo.Services.AddSingleton<IReminderTable>(sp => new OffThreadReminderTable((IReminderTable)ActivatorUtilities.CreateInstance(sp, table)));
        }
        return silo;
    }
}
