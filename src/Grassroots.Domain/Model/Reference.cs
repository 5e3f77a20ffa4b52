namespace Grassroots.Domain.Model;

[GenerateSerializer, Alias("region-level")]
public enum RegionLevel { National, Province, City, County }

public sealed record Region(string Code, string Name, RegionLevel Level, string? ParentCode);

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
    /// The path of a campaign that names none. Its levels are those of Approvals.ApprovalLevels, which takes this as its
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

/// <summary>A branch (基层工会) as registered: its county decides where its new records count.</summary>
[GenerateSerializer, Immutable, Alias("branch-profile")]
public sealed record BranchProfile(
    [property: Id(0)] string Name,
    [property: Id(1)] string RegionCode,
    [property: Id(2)] string? Sector,
    [property: Id(3)] int MemberCount,
    [property: Id(4)] string? Kind);

/// <summary>An honoree (劳模、先进工作者、工匠).</summary>
[GenerateSerializer, Immutable, Alias("honoree-profile")]
public sealed record HonoreeProfile(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Gender,
    [property: Id(2)] string? Ethnicity,
    [property: Id(3)] string Title,
    [property: Id(4)] int? HonoredYear,
    [property: Id(5)] string? Employer,
    [property: Id(6)] string ProvinceCode);

/// <summary>What a create-or-correct PUT did.</summary>
[GenerateSerializer, Alias("put-result")]
public enum PutResult { Created, Updated, Unchanged }

/// <summary>A stored entity with its bookkeeping: who created it (the key's actor name), where the store records that.</summary>
[GenerateSerializer, Immutable, Alias("versioned`1")]
public sealed record Versioned<T>(
    [property: Id(0)] T Value,
    [property: Id(1)] long Version,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] DateTimeOffset UpdatedAt,
    [property: Id(4)] string? CreatedBy = null);

[GenerateSerializer, Immutable, Alias("saved`1")]
public sealed record Saved<T>([property: Id(0)] PutResult Result, [property: Id(1)] Versioned<T> Entity);

/// <summary>An honoree's figures: talks given, their audience and online views, and how many provinces the talks reached.</summary>
[GenerateSerializer, Immutable, Alias("honoree-figures")]
public sealed record HonoreeFigures(
    [property: Id(0)] long Talks,
    [property: Id(1)] long Audience,
    [property: Id(2)] long OnlineViews,
    [property: Id(3)] int ProvincesReached);
