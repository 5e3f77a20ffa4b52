using Grassroots.Domain.Grains;
using Grassroots.Domain.Regions;
using Grassroots.Domain.Rollups;
using Grassroots.Runtime;
using Grassroots.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Grassroots.Domain;

public static class DomainServiceCollectionExtensions
{
    /// <summary>
    /// Storage, reference data, the grains and the rollup feed, in start order: migrations, regions,
    /// grain runtime, feed. Call after binding <see cref="StorageOptions"/> and <see cref="GrainRuntimeOptions"/>.
    /// </summary>
    public static IServiceCollection AddGrassrootsDomain(this IServiceCollection services)
    {
        services.AddGrassrootsStorage();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value);
        services.AddSingleton<RegionDirectory>();
        services.AddSingleton<RollupDeltas>();
        services.AddSingleton<Reconciler>();
        services.AddHostedService<ReferenceDataLoader>();
        services.AddGrainRuntime(grains => grains
            .Add<ICampaignGrain, CampaignGrain>()
            .Add<IBranchGrain, BranchGrain>()
            .Add<IHonoreeGrain, HonoreeGrain>()
            .Add<IStudySessionGrain, StudySessionGrain>()
            .Add<IHonoreeTalkGrain, HonoreeTalkGrain>()
            .Add<IPublicityItemGrain, PublicityItemGrain>()
            .Add<IRegionRollupGrain, RegionRollupGrain>());
        services.AddSingleton<RollupFeed>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<RollupFeed>());
        return services;
    }
}
