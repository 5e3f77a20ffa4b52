using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;

namespace Grassroots.Domain.Campaigns;

/// <summary>A campaign (学习宣传贯彻活动), keyed by its id; its definition is its campaigns row.</summary>
[Alias("campaign-grain"), StoredAsRow]
public interface ICampaignGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("get")]
    Task<Versioned<Campaign>?> GetAsync();

    /// <summary>Creates or corrects the campaign. The id inside <paramref name="campaign"/> must be the grain key.</summary>
    [Alias("put")]
    Task<Saved<Campaign>> PutAsync(Campaign campaign, string actor);
}
