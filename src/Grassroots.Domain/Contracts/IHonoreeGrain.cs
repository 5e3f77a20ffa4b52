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

    /// <summary>Rows of honoree_rollups a silo just committed for this honoree.</summary>
    [AlwaysInterleave, Alias("apply")]
    Task ApplyAsync(RollupDelivery<HonoreeRow> delivery);

    /// <summary>Reloads one shard's rows: its silo died, so rows it committed may never have been delivered.</summary>
    [AlwaysInterleave, Alias("resync")]
    Task ResyncShardAsync(string shard);
}
