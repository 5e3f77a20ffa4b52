using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.SignOff;
using Grassroots.Domain.Tests.Support;
using Grassroots.Silo.Security;
using Grassroots.Storage;
using Grassroots.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Metadata;

namespace Grassroots.Domain.Tests;

/// <summary>
/// A rolling upgrade across migration 0013: while a silo of the earlier release runs, which keeps campaigns, periods and
/// keys as Orleans grain state, this release's grains refuse to change them (a change stored only as a row would not
/// reach that silo); once it has left, they change them again. The earlier release's silo is one of this release told
/// not to say, in the cluster's manifest, that it stores them as rows — which is all that tells the releases apart.
/// </summary>
public sealed class UpgradeWindowTests
{
    private static readonly ApprovalActor Actor = new("test", "测试");

    [PostgresFact]
    public async Task WhileAnEarlierReleasesSiloRunsCampaignsPeriodsAndKeysAreNotChanged()
    {
        await using var cluster = await GrainCluster.StartAsync(StorageProvider.Postgres, silos: 2, siloServices: (name, services) =>
        {
            if (name != GrainCluster.FirstSilo) services.AddSingleton<IGrainInterfacePropertiesProvider, EarlierRelease>();
        });
        var grains = cluster.Client;
        var window = cluster.SiloService<UpgradeWindow>(0);
        var campaign = grains.GetGrain<ICampaignGrain>("c1");
        var first = new Campaign("c1", "学习", new(2020, 11, 24), null, "全国");

        foreach (var contract in new[] { typeof(ICampaignGrain), typeof(IPeriodApprovalGrain), typeof(IApiKeyGrain) })
            await Eventually.TrueAsync(() => Task.FromResult(window.OlderSilos(contract).Count == 1), $"the earlier release's silo in the manifest of {contract.Name}");

        // The campaign as the earlier release left it in its row.
        var now = DateTimeOffset.UtcNow;
        await cluster.SiloService<CampaignTable>().WriteAsync(new Versioned<Campaign>(first, 1, now, now), null, "test");

        // Refused with 503's exception, nothing stored; reads go on.
        await Assert.ThrowsAsync<ServiceUnavailableException>(() => campaign.PutAsync(first with { Title = "学习劳模精神" }, "test"));
        Assert.Equal(("学习", 1L), ((await campaign.GetAsync())!.Value.Title, (await campaign.GetAsync())!.Version));
        await Assert.ThrowsAsync<ServiceUnavailableException>(() => grains.GetGrain<IPeriodApprovalGrain>("630102/c1/2020-12").SubmitAsync(Actor, null));
        await Assert.ThrowsAsync<ServiceUnavailableException>(() => cluster.SiloService<ApiKeyStore>().CreateAsync(Roles.Hq, "CN", "总部", "test"));
        var database = cluster.SiloService<Database>();
        foreach (var table in new[] { "api_keys", "period_approvals" })
            Assert.Equal(0L, (await database.QueryAsync($"SELECT COUNT(*) FROM {table}", [], r => r.GetInt64(0)))[0]);

        // The earlier release's silo leaves: the upgrade is over.
        await cluster.StopSiloAsync(1);
        await Eventually.TrueAsync(() => Task.FromResult(window.OlderSilos(typeof(ICampaignGrain)).Count == 0), "the manifest without the earlier release's silo");
        Assert.Equal(PutResult.Updated, (await campaign.PutAsync(first with { Title = "学习劳模精神" }, "test")).Result);
        var key = await cluster.SiloService<ApiKeyStore>().CreateAsync(Roles.Hq, "CN", "总部", "test");
        Assert.False(key.Record.IsRevoked);
        var submitted = await grains.GetGrain<IPeriodApprovalGrain>("630102/c1/2020-12").SubmitAsync(Actor, null);
        Assert.Equal(PeriodState.Submitted, submitted.State);
    }

    /// <summary>A silo as a release before 0013 describes itself: without the stored-as-row property.</summary>
    private sealed class EarlierRelease : IGrainInterfacePropertiesProvider
    {
        public void Populate(Type interfaceType, GrainInterfaceType grainInterfaceType, Dictionary<string, string> properties) =>
            properties.Remove(StoredAsRowAttribute.Property);
    }
}
