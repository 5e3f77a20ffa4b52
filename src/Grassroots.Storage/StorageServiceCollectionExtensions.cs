using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly.Registry;

namespace Grassroots.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Adds the database named by options, schema migration before anything else starts, the storage layer's retry
    /// pipelines (<see cref="Retries"/>) and the group committer, with every <see cref="IBatchStage"/> registered.
    /// </summary>
    public static IServiceCollection AddGrassrootsStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>();
        services.AddSingleton(sp => Database.Create(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.AddSingleton<Migrator>();
        services.AddStorageRetries();
        services.AddSingleton(sp => new GroupCommitter(sp.GetRequiredService<Database>(),
            sp.GetRequiredService<ILogger<GroupCommitter>>(), sp.GetService<ShardLease>(), sp.GetServices<IBatchStage>(),
            sp.GetService<ResiliencePipelineProvider<string>>()));
        services.AddHostedService<MigrationService>();
        return services;
    }
}

/// <summary>Applies migrations at start; registered first so every later service finds the schema in place.</summary>
internal sealed class MigrationService(Migrator migrator, ILogger<MigrationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var applied = await migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Schema is current ({Applied} migrations applied now)", applied.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
