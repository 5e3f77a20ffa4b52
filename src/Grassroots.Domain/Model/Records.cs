namespace Grassroots.Domain.Model;

public sealed record Attendance(int Total, int? Frontline, int? Youth, int? Women);

/// <summary>A study session, symposium, lecture, team study or contest (学习会、座谈会…).</summary>
public sealed record StudySession(string CampaignId, string Title, DateOnly HeldOn, string Format, string? Kind,
    Attendance Attendees, int? OnlineViews, string? Notes);

/// <summary>A talk by one or more honorees (劳模宣讲). Honoree ids are kept sorted so equal talks compare equal.</summary>
public sealed record HonoreeTalk(string CampaignId, IReadOnlyList<string> HonoreeIds, string? Title, DateOnly HeldOn,
    string Venue, string Format, int Audience, int? OnlineViews)
{
    public bool Equals(HonoreeTalk? other) => other is not null && CampaignId == other.CampaignId
        && HonoreeIds.SequenceEqual(other.HonoreeIds) && Title == other.Title && HeldOn == other.HeldOn && Venue == other.Venue
        && Format == other.Format && Audience == other.Audience && OnlineViews == other.OnlineViews;

    public override int GetHashCode() => HashCode.Combine(CampaignId, HeldOn, Audience);
}

/// <summary>A publicity item (宣传报道) in a newspaper, on TV, WeChat, 学习强国…</summary>
public sealed record PublicityItem(string CampaignId, string Channel, string Outlet, string Title, string? Url,
    DateOnly PublishedOn, int? Reach);

/// <summary>A record a branch logged, as stored: the county it counts under, and whether it was voided.</summary>
public sealed record LoggedRecord<T>(string BranchId, string RecordId, string RegionCode, T Data, bool Voided, string? VoidReason,
    long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record RecordSaved<T>(PutResult Result, LoggedRecord<T> Record);
