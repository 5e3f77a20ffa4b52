namespace Grassroots.Domain.Model;

/// <summary>Where a record counts: campaign, date and the county it was logged under.</summary>
[GenerateSerializer, Immutable, Alias("placement")]
public sealed record Placement([property: Id(0)] string CampaignId, [property: Id(1)] DateOnly Day, [property: Id(2)] string RegionCode);
