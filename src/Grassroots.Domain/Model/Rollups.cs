namespace Grassroots.Domain.Model;

[GenerateSerializer, Alias("series-interval")]
public enum SeriesInterval { Day, Week, Month }

[GenerateSerializer, Immutable, Alias("series-point")]
public sealed record SeriesPoint([property: Id(0)] DateOnly Start, [property: Id(1)] Totals Totals);

/// <summary>A region's totals and each child region's, as one read answers them.</summary>
[GenerateSerializer, Immutable, Alias("rollup-view")]
public sealed record RollupView([property: Id(0)] Totals Totals, [property: Id(1)] IReadOnlyList<ChildTotals> Children);

[GenerateSerializer, Immutable, Alias("child-totals")]
public sealed record ChildTotals([property: Id(0)] string Code, [property: Id(1)] Totals Totals);

/// <summary>
/// One region_rollups row of one writer shard as committed: absolute values (not a delta) in <see cref="Totals"/>
/// order, and the sequence number of the batch that last changed it. Applying a row only when its sequence is
/// newer than the one held makes the order of delivery irrelevant.
/// </summary>
[GenerateSerializer, Immutable, Alias("region-row")]
public sealed record RegionRow(
    [property: Id(0)] string RegionCode,
    [property: Id(1)] string CampaignId,
    [property: Id(2)] DateOnly Day,
    [property: Id(3)] long[] Values,
    [property: Id(4)] long Seq);

/// <summary>One honoree_rollups row of one shard: talks, audience and online views in one province, as committed.</summary>
[GenerateSerializer, Immutable, Alias("honoree-row")]
public sealed record HonoreeRow(
    [property: Id(0)] string CampaignId,
    [property: Id(1)] string ProvinceCode,
    [property: Id(2)] long[] Values,
    [property: Id(3)] long Seq);

/// <summary>
/// Rows one silo committed, forwarded to one grain. <see cref="After"/> is the sequence of the previous delivery
/// from the same silo process to the same grain (null for the first since the process started), so the grain can
/// tell when it may have missed rows and must reload that shard's rows from the database.
/// </summary>
[GenerateSerializer, Immutable, Alias("rollup-delivery`1")]
public sealed record RollupDelivery<TRow>(
    [property: Id(0)] string Shard,
    [property: Id(1)] long? After,
    [property: Id(2)] long Seq,
    [property: Id(3)] IReadOnlyList<TRow> Rows);
