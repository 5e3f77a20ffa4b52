using Grassroots.Domain.Model;

namespace Grassroots.Domain.Contracts;

/// <summary>
/// What one committed batch of a writer shard added to the rollups, as its writer passes it to this silo's
/// <see cref="IRollupAggregatorGrain"/>: the batch's sequence number, the one its lane committed before it, whether a
/// batch in between may be missing, and the figures it added per county and day, registered branches per county, and
/// honoree figures per province.
/// </summary>
[GenerateSerializer, Immutable, Alias("committed-changes")]
public sealed record CommittedChanges(
    [property: Id(0)] string Shard,
    [property: Id(1)] long Previous,
    [property: Id(2)] long Seq,
    [property: Id(3)] bool Gap,
    [property: Id(4)] IReadOnlyList<CountyDay> Days,
    [property: Id(5)] IReadOnlyList<CountyCount> Registered,
    [property: Id(6)] IReadOnlyList<HonoreeProvince> Honorees);

/// <summary>Figures added to a county (or, in a region grain's delivery, to the region or child it falls under) on a day.</summary>
[GenerateSerializer, Immutable, Alias("county-day")]
public sealed record CountyDay([property: Id(0)] string Code, [property: Id(1)] string CampaignId, [property: Id(2)] DateOnly Day,
    [property: Id(3)] Figures Figures);

/// <summary>Registered branches added to a county (or the region or child it falls under).</summary>
[GenerateSerializer, Immutable, Alias("county-count")]
public sealed record CountyCount([property: Id(0)] string Code, [property: Id(1)] long Delta);

/// <summary>Talk figures added to an honoree in a campaign and province.</summary>
[GenerateSerializer, Immutable, Alias("honoree-province")]
public sealed record HonoreeProvince([property: Id(0)] string HonoreeId, [property: Id(1)] string CampaignId, [property: Id(2)] string Province,
    [property: Id(3)] TalkFigures Figures);

/// <summary>
/// What one silo's aggregator sends one grain for one writer shard: the changes of every batch of that shard after
/// <see cref="After"/> up to <see cref="UpTo"/>, added up (one change per day and child). The grain takes them only when
/// its figures end exactly at <see cref="After"/>, and answers where its figures end afterwards: a grain whose figures end
/// earlier missed a batch and loads again; one whose figures end later (it loaded meanwhile) takes nothing, and the
/// aggregator sends the batches after that point next time.
/// </summary>
[GenerateSerializer, Immutable, Alias("rollup-delivery`1")]
public sealed record RollupDelivery<T>(
    [property: Id(0)] string Shard,
    [property: Id(1)] long After,
    [property: Id(2)] long UpTo,
    [property: Id(3)] IReadOnlyList<T> Changes);
