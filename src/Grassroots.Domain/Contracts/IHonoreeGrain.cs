using Grassroots.Domain.Model;

namespace Grassroots.Domain.Contracts;

/// <summary>An honoree (劳模、先进工作者、工匠): the profile, and the figures of the talks that name them, in memory.</summary>
[Alias("honoree-grain")]
public interface IHonoreeGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("get")]
    Task<Versioned<HonoreeProfile>?> GetAsync();

    [Alias("put")]
    Task<Saved<HonoreeProfile>> PutAsync(HonoreeProfile profile, string actor);

    [ReadOnly, Alias("figures")]
    Task<HonoreeFigures> GetFiguresAsync(string? campaignId);

    /// <summary>What a silo's batches added to this honoree's figures; answers where the delivery's shard now stands.</summary>
    [AlwaysInterleave, Alias("apply")]
    Task<long> ApplyAsync(RollupDelivery<HonoreeProvince> delivery);

    /// <summary>Loads the figures again from the database: a batch may have been committed and never sent (a silo died).</summary>
    [AlwaysInterleave, Alias("reload")]
    Task ReloadAsync();
}
