using Grassroots.Domain.Model;

namespace Grassroots.Domain.Contracts;

/// <summary>
/// The figures of a region that has children (city, province or national CN) and of each of its children, for every
/// campaign and day, held in memory with one activation cluster-wide. A region without children (a county) is answered
/// by its parent's grain (<see cref="Rollups.RegionRollups"/> picks the grain). Silos' aggregators send what their
/// batches add; a read never touches the database.
/// </summary>
[Alias("region-rollup-grain")]
public interface IRegionRollupGrain : IGrainWithStringKey
{
    /// <summary>
    /// The totals of <paramref name="code"/> (this region, or one of its children) and each of its own children's, over
    /// records dated from..to (either open); active branches as of to or today.
    /// </summary>
    [ReadOnly, Alias("rollup")]
    Task<RollupView> GetRollupAsync(string code, string campaignId, DateOnly? from, DateOnly? to);

    /// <summary>The totals of <paramref name="code"/>, as in <see cref="GetRollupAsync"/>.</summary>
    [ReadOnly, Alias("totals")]
    Task<Totals> GetTotalsAsync(string code, string campaignId, DateOnly? from, DateOnly? to);

    /// <summary>Totals of <paramref name="code"/> per day, week (from Monday) or month between from and to.</summary>
    [ReadOnly, Alias("series")]
    Task<IReadOnlyList<SeriesPoint>> GetSeriesAsync(string code, string campaignId, SeriesInterval interval, DateOnly from, DateOnly to);

    /// <summary>
    /// What a silo's batches added to this region's children (each change names the child); answers the sequence number
    /// up to which the delivery's shard is now in the figures.
    /// </summary>
    [AlwaysInterleave, Alias("apply")]
    Task<long> ApplyAsync(RollupDelivery<RegionChange> delivery);

    /// <summary>Loads the figures again from the database: a batch may have been committed and never sent (a silo died).</summary>
    [AlwaysInterleave, Alias("reload")]
    Task ReloadAsync();
}

/// <summary>One change to a region grain's figures: a day's figures or registered branches of one of its nodes.</summary>
[GenerateSerializer, Immutable, Alias("region-change")]
public sealed record RegionChange([property: Id(0)] CountyDay? Day, [property: Id(1)] CountyCount? Registered);
