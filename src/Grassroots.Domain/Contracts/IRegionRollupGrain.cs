using Grassroots.Domain.Model;

namespace Grassroots.Domain.Contracts;

/// <summary>
/// One region's figures (county, city, province or national CN) and its direct children's, for every campaign, held
/// in memory with one activation cluster-wide. Silos deliver the rows they commit; a read never touches the facts.
/// </summary>
[Alias("region-rollup-grain")]
public interface IRegionRollupGrain : IGrainWithStringKey
{
    /// <summary>The region's totals and each child region's, over records dated from..to (either open); active branches as of to or today.</summary>
    [ReadOnly, Alias("rollup")]
    Task<RollupView> GetRollupAsync(string campaignId, DateOnly? from, DateOnly? to);

    /// <summary>The region's own totals, as in <see cref="GetRollupAsync"/>.</summary>
    [ReadOnly, Alias("totals")]
    Task<Totals> GetTotalsAsync(string campaignId, DateOnly? from, DateOnly? to);

    /// <summary>Totals per day, week (from Monday) or month between from and to.</summary>
    [ReadOnly, Alias("series")]
    Task<IReadOnlyList<SeriesPoint>> GetSeriesAsync(string campaignId, SeriesInterval interval, DateOnly from, DateOnly to);

    /// <summary>Rows of region_rollups a silo just committed, for this region or one of its children.</summary>
    [AlwaysInterleave, Alias("apply")]
    Task ApplyAsync(RollupDelivery<RegionRow> delivery);

    /// <summary>Reloads one shard's rows: its silo died, so rows it committed may never have been delivered.</summary>
    [AlwaysInterleave, Alias("resync")]
    Task ResyncShardAsync(string shard);
}
