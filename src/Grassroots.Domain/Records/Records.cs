using System.Text.Json.Serialization;
using Grassroots.Domain.Model;

namespace Grassroots.Domain.Records;

/// <summary>
/// What a branch logs: a study session, an honoree talk, a publicity item or a competition. Each belongs to a campaign and a day;
/// the kind-specific rules (table, figures, references) live in <see cref="Records.RecordKinds"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("record-data")]
[JsonDerivedType(typeof(StudySession)), JsonDerivedType(typeof(HonoreeTalk)), JsonDerivedType(typeof(PublicityItem)),
 JsonDerivedType(typeof(Competition))]
public abstract record RecordData
{
    /// <summary>Implemented by each kind's positional CampaignId.</summary>
    public abstract string CampaignId { get; init; }

    /// <summary>The day the record counts on: when it was held or published.</summary>
    [JsonIgnore]
    public abstract DateOnly Day { get; }
}

[GenerateSerializer, Immutable, Alias("attendance")]
public sealed record Attendance(
    [property: Id(0)] int Total,
    [property: Id(1)] int? Frontline,
    [property: Id(2)] int? Youth,
    [property: Id(3)] int? Women);

/// <summary>A study session, symposium, lecture, team study or contest (学习会、座谈会…).</summary>
[GenerateSerializer, Immutable, Alias("study-session")]
public sealed record StudySession(
    [property: Id(0)] string CampaignId,
    [property: Id(1)] string Title,
    [property: Id(2)] DateOnly HeldOn,
    [property: Id(3)] string Format,
    [property: Id(4)] string? Kind,
    [property: Id(5)] Attendance Attendees,
    [property: Id(6)] int? OnlineViews,
    [property: Id(7)] string? Notes) : RecordData
{
    public override DateOnly Day => HeldOn;
}

/// <summary>A talk by one or more honorees (劳模宣讲). Honoree ids are kept sorted so equal talks compare equal.</summary>
[GenerateSerializer, Immutable, Alias("honoree-talk")]
public sealed record HonoreeTalk(
    [property: Id(0)] string CampaignId,
    [property: Id(1)] IReadOnlyList<string> HonoreeIds,
    [property: Id(2)] string? Title,
    [property: Id(3)] DateOnly HeldOn,
    [property: Id(4)] string Venue,
    [property: Id(5)] string Format,
    [property: Id(6)] int Audience,
    [property: Id(7)] int? OnlineViews) : RecordData
{
    public override DateOnly Day => HeldOn;

    public bool Equals(HonoreeTalk? other) => other is not null && CampaignId == other.CampaignId
        && HonoreeIds.SequenceEqual(other.HonoreeIds) && Title == other.Title && HeldOn == other.HeldOn && Venue == other.Venue
        && Format == other.Format && Audience == other.Audience && OnlineViews == other.OnlineViews;

    public override int GetHashCode() => HashCode.Combine(CampaignId, HeldOn, Audience);
}

/// <summary>A publicity item (宣传报道) in a newspaper, on TV, WeChat, 学习强国…</summary>
[GenerateSerializer, Immutable, Alias("publicity-item")]
public sealed record PublicityItem(
    [property: Id(0)] string CampaignId,
    [property: Id(1)] string Channel,
    [property: Id(2)] string Outlet,
    [property: Id(3)] string Title,
    [property: Id(4)] string? Url,
    [property: Id(5)] DateOnly PublishedOn,
    [property: Id(6)] int? Reach) : RecordData
{
    public override DateOnly Day => PublishedOn;
}

/// <summary>
/// A labour, skills or innovation competition a branch runs (劳动竞赛、技能竞赛、创新竞赛): its participants in person-times,
/// broken down as a study session's attendance, and how many won an award. It counts on the day it starts.
/// </summary>
[GenerateSerializer, Immutable, Alias("competition")]
public sealed record Competition(
    [property: Id(0)] string CampaignId,
    [property: Id(1)] string Title,
    [property: Id(2)] string Kind,
    [property: Id(3)] DateOnly StartsOn,
    [property: Id(4)] DateOnly? EndsOn,
    [property: Id(5)] Attendance Participants,
    [property: Id(6)] int? Awardees,
    [property: Id(7)] string? Notes) : RecordData
{
    public override DateOnly Day => StartsOn;
}

/// <summary>A record a branch logged, as stored: the county it counts under, whether it was voided, and who created it.</summary>
[GenerateSerializer, Immutable, Alias("logged-record")]
public sealed record LoggedRecord(
    [property: Id(0)] string BranchId,
    [property: Id(1)] string RecordId,
    [property: Id(2)] string RegionCode,
    [property: Id(3)] RecordData Data,
    [property: Id(4)] bool Voided,
    [property: Id(5)] string? VoidReason,
    [property: Id(6)] long Version,
    [property: Id(7)] DateTimeOffset CreatedAt,
    [property: Id(8)] DateTimeOffset UpdatedAt,
    [property: Id(9)] string CreatedBy)
{
    /// <summary>Where the record counts, or null when it does not count (voided).</summary>
    public Placement? Placement => Voided ? null : new Placement(Data.CampaignId, Data.Day, RegionCode);
}

[GenerateSerializer, Immutable, Alias("record-saved")]
public sealed record RecordSaved([property: Id(0)] PutResult Result, [property: Id(1)] LoggedRecord Record);
