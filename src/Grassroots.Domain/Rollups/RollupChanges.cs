using Grassroots.Domain.Model;

namespace Grassroots.Domain.Rollups;

/// <summary>
/// What one committed batch of a writer shard added to the rollups, as its writer hands it over and silos send it to each
/// other (<see cref="Rollups.RollupBroadcast"/>): the batch's sequence number, the one its lane committed before it,
/// whether a batch in between may be missing, and the figures it added per county and day, registered branches per
/// county, and honoree figures per province.
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

/// <summary>Figures added to a county (or, in a region's figures, to the region or child it falls under) on a day.</summary>
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
