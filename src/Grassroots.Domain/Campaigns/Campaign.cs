namespace Grassroots.Domain.Campaigns;

/// <summary>
/// A campaign (学习宣传贯彻活动): the period every record is logged against, the reporting period its figures are signed
/// off by (week or month) and the levels that sign them off, lowest first (docs/sign-off.md). Campaigns stored before
/// sign-off existed read with the defaults: monthly, county → province → national.
/// </summary>
[GenerateSerializer, Immutable, Alias("campaign")]
public sealed record Campaign(
    [property: Id(0)] string Id,
    [property: Id(1)] string Title,
    [property: Id(2)] DateOnly StartsOn,
    [property: Id(3)] DateOnly? EndsOn,
    [property: Id(4)] string? Description,
    [property: Id(5)] string ReportingPeriod = PeriodKinds.Month,
    [property: Id(6)] IReadOnlyList<string>? ApprovalPath = null)
{
    /// <summary>
    /// The path of a campaign that names none. Its levels are those of Campaigns.ApprovalLevels, which takes this as its
    /// DefaultPath: the plain data keeps its own default rather than reach up into the sign-off rules.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultApprovalPath = ["county", "province", "national"];

    /// <summary>The levels that sign off, lowest first; the default path when none was given.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<string> Path => ApprovalPath ?? DefaultApprovalPath;

    public bool Covers(DateOnly day) => day >= StartsOn && (EndsOn is null || day <= EndsOn);

    public bool Equals(Campaign? other) => other is not null && Id == other.Id && Title == other.Title && StartsOn == other.StartsOn
        && EndsOn == other.EndsOn && Description == other.Description && ReportingPeriod == other.ReportingPeriod && Path.SequenceEqual(other.Path);

    public override int GetHashCode() => HashCode.Combine(Id, Title, StartsOn, EndsOn, ReportingPeriod);
}
