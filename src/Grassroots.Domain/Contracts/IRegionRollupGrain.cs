using Grassroots.Domain.Model;

namespace Grassroots.Domain.Contracts;

/// <summary>
/// One region's figures (county, city, province or national CN) and its direct children's, for every campaign, held
/// in memory with one activation cluster-wide. Silos' aggregators send what their batches add; a read never touches
/// the database.
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

    /// <summary>What a silo's batches added to this region or its children (per child, or the region itself for a county).</summary>
    [AlwaysInterleave, Alias("apply")]
    Task ApplyAsync(RollupDelivery<RegionChange> delivery);

    /// <summary>Loads the figures again from the database: a batch may have been committed and never sent (a silo died).</summary>
    [AlwaysInterleave, Alias("reload")]
    Task ReloadAsync();
}

/// <summary>One change to a region grain's figures: a day's figures or registered branches of one of its nodes.</summary>
[GenerateSerializer, Immutable, Alias("region-change")]
public sealed record RegionChange([property: Id(0)] CountyDay? Day, [property: Id(1)] CountyCount? Registered);
