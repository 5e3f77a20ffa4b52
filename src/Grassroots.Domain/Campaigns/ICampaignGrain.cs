using Grassroots.Domain.Model;

namespace Grassroots.Domain.Campaigns;

/// <summary>A campaign (学习宣传贯彻活动), keyed by its id; its definition is the grain's own state.</summary>
[Alias("campaign-grain")]
public interface ICampaignGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("get")]
    Task<Versioned<Campaign>?> GetAsync();

    /// <summary>Creates or corrects the campaign. The id inside <paramref name="campaign"/> must be the grain key.</summary>
    [Alias("put")]
    Task<Saved<Campaign>> PutAsync(Campaign campaign, string actor);
}
