using Grassroots.Domain.Caching;
using Grassroots.Domain.Model;

namespace Grassroots.Domain.Campaigns;

/// <summary>
/// Campaign definitions as this silo knows them: every record written checks its campaign, so the campaign's grain
/// is asked once per silo rather than once per request. A campaign's grain has every silo forget it when it changes.
/// </summary>
public sealed class CampaignDirectory(IGrainFactory grains, TimeProvider clock) : ISiloCache
{
    public const string CacheKind = "campaign";

    private readonly SiloCache<Versioned<Campaign>> _cache = new(CacheKind, clock);

    public string Kind => CacheKind;

    public Task<Versioned<Campaign>?> GetAsync(string campaignId) =>
        _cache.GetAsync(campaignId, () => grains.GetGrain<ICampaignGrain>(campaignId).GetAsync());

    public void Forget(string id) => _cache.Forget(id);
}
