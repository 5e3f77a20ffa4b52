using Grassroots.Domain.Audit;
using Grassroots.Domain.Branches;
using Grassroots.Domain.Caching;
using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Honorees;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Reconciliation;
using Grassroots.Domain.Records;
using Grassroots.Domain.Regions;
using Grassroots.Domain.Rollups;
using Grassroots.Domain.SignOff;
using Grassroots.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;

namespace Grassroots.Domain.Hosting;

public static class DomainServiceCollectionExtensions
{
    /// <summary>
    /// Storage (bound to the "Storage" settings), the features' data modules (with the committer's stage that keeps branch
    /// activity) and reference data, in start order: migrations, then regions. Enough for the commands that read the
    /// database without running grains.
    /// </summary>
    public static IServiceCollection AddGrassrootsData(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration("Storage");
        services.AddGrassrootsStorage();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value);
        services.TryAddSingleton<RegionDirectory>();
        services.TryAddSingleton<RegionStore>();
        services.TryAddSingleton<BranchStore>();
        services.TryAddSingleton<HonoreeStore>();
        services.TryAddSingleton<RecordStore>();
        services.TryAddSingleton<IBranchFigures>(sp => sp.GetRequiredService<RecordStore>());
        services.TryAddSingleton<AuditStore>();
        services.TryAddSingleton<RollupStore>();
        services.TryAddSingleton<RecountStore>();
        services.TryAddSingleton<Reconciler>();
        services.TryAddSingleton<BranchDirectory>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IBatchStage, BranchActivityStore>());
        services.AddHostedService<ReferenceDataLoader>();
        return services;
    }

    /// <summary>
    /// What the grains of a silo need beside Orleans: the writer-shard lease (taken before the silo starts), the committer
    /// grains write through, the tables of campaigns and periods, and this silo's caches. Call before the Orleans silo is added, so
    /// these start before it and stop after it.
    /// </summary>
    public static IServiceCollection AddGrassrootsGrainServices(this IServiceCollection services)
    {
        services.AddGrassrootsData();
        services.AddContention();
        services.AddSingleton<ShardLease>();
        services.AddHostedService(sp => sp.GetRequiredService<ShardLease>());
        services.AddHostedService<CommitterDrain>();
        services.AddSingleton<FactCommitter>();
        services.AddSingleton<RecordIntake>();
        services.AddSingleton<BranchIntake>();
        services.AddSingleton<RollupReplica>();
        services.AddSingleton<RollupBroadcast>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<RollupBroadcast>());
        services.AddGrainService<RollupExchange>();
        services.AddSingleton<CampaignTable>();
        services.AddSingleton<LegacyGrainState>();
        services.AddSingleton<UpgradeWindow>();
        services.AddGrainService<SiloCacheService>();
        services.AddSingleton<SiloCaches>();
        services.AddSingleton<CampaignDirectory>();
        services.AddSingleton<ISiloCache>(sp => sp.GetRequiredService<CampaignDirectory>());
        services.AddSingleton<ISiloCache>(sp => sp.GetRequiredService<BranchDirectory>());
        services.AddSingleton<HonoreeDirectory>();
        services.AddSingleton<ISiloCache>(sp => sp.GetRequiredService<HonoreeDirectory>());
        services.AddSingleton<PeriodLocks>();
        services.AddSingleton<ISiloCache>(sp => sp.GetRequiredService<PeriodLocks>());
        services.AddGrainService<PeriodLockService>();
        services.AddSingleton<PeriodLockBroadcast>();
        services.AddResiliencePipeline(PeriodLockBroadcast.PipelineName, builder => PeriodLockBroadcast.Configure(builder));
        services.AddSingleton<PeriodApprovalTable>();
        services.AddSingleton<ICampaignPeriodLocks>(sp => sp.GetRequiredService<PeriodApprovalTable>());
        return services;
    }
}
