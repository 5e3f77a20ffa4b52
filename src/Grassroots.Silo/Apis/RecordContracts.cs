using Grassroots.Domain.Model;

namespace Grassroots.Silo.Apis;

// Wire shapes of the three kinds of record a branch logs. Request bodies are all-nullable so that a missing
// field is reported by the validator with its name, not by the deserializer as an unreadable body; each field's
// rule is stated on it (FieldRules.cs), for the validator and the OpenAPI document alike.

public sealed record AttendeesRequest(
    [property: Count(Required = true)] int? Total,
    [property: Count(NotAbove = nameof(AttendeesRequest.Total))] int? Frontline,
    [property: Count(NotAbove = nameof(AttendeesRequest.Total))] int? Youth,
    [property: Count(NotAbove = nameof(AttendeesRequest.Total))] int? Women);

public record StudySessionRequest(
    [property: Id(Required = true)] string? CampaignId,
    [property: Text(StudySessionsApi.MaxTitle, Required = true)] string? Title,
    [property: Date(Required = true, CampaignDay = true)] DateOnly? HeldOn,
    [property: OneOf(typeof(StudySessionsApi), nameof(StudySessionsApi.Formats), Required = true)] string? Format,
    [property: OneOf(typeof(StudySessionsApi), nameof(StudySessionsApi.Kinds))] string? Kind,
    [property: Nested(Required = true)] AttendeesRequest? Attendees,
    [property: Count] int? OnlineViews,
    [property: Text(StudySessionsApi.MaxNotes, MultiLine = true)] string? Notes);

public record HonoreeTalkRequest(
    [property: Id(Required = true)] string? CampaignId,
    [property: IdList(HonoreeTalksApi.MaxHonorees, Required = true)] IReadOnlyList<string?>? HonoreeIds,
    [property: Text(HonoreeTalksApi.MaxTitle)] string? Title,
    [property: Date(Required = true, CampaignDay = true)] DateOnly? HeldOn,
    [property: OneOf(typeof(HonoreeTalksApi), nameof(HonoreeTalksApi.Venues), Required = true)] string? Venue,
    [property: OneOf(typeof(HonoreeTalksApi), nameof(HonoreeTalksApi.Formats), Required = true)] string? Format,
    [property: Count(Required = true)] int? Audience,
    [property: Count] int? OnlineViews);

public record PublicityRequest(
    [property: Id(Required = true)] string? CampaignId,
    [property: OneOf(typeof(PublicityApi), nameof(PublicityApi.Channels), Required = true)] string? Channel,
    [property: Text(PublicityApi.MaxOutlet, Required = true)] string? Outlet,
    [property: Text(PublicityApi.MaxTitle, Required = true)] string? Title,
    [property: Url(PublicityApi.MaxUrl)] string? Url,
    [property: Date(Required = true, CampaignDay = true)] DateOnly? PublishedOn,
    [property: Count] int? Reach);

public sealed record AttendeesResponse(int Total, int? Frontline, int? Youth, int? Women);

public sealed record StudySessionResponse(string BranchId, string Id, string RegionCode, string CampaignId, string Title,
    DateOnly HeldOn, string Format, string? Kind, AttendeesResponse Attendees, int? OnlineViews, string? Notes,
    long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Voided, string? VoidReason)
{
    public static StudySessionResponse From(LoggedRecord r)
    {
        var d = (StudySession)r.Data;
        var a = d.Attendees;
        return new(r.BranchId, r.RecordId, r.RegionCode, d.CampaignId, d.Title, d.HeldOn, d.Format, d.Kind,
            new AttendeesResponse(a.Total, a.Frontline, a.Youth, a.Women), d.OnlineViews, d.Notes,
            r.Version, r.CreatedAt, r.UpdatedAt, r.Voided, r.VoidReason);
    }
}

public sealed record HonoreeTalkResponse(string BranchId, string Id, string RegionCode, string CampaignId,
    IReadOnlyList<string> HonoreeIds, string? Title, DateOnly HeldOn, string Venue, string Format, int Audience, int? OnlineViews,
    long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Voided, string? VoidReason)
{
    public static HonoreeTalkResponse From(LoggedRecord r) => r.Data is HonoreeTalk d
        ? new(r.BranchId, r.RecordId, r.RegionCode, d.CampaignId, d.HonoreeIds, d.Title, d.HeldOn, d.Venue, d.Format, d.Audience,
            d.OnlineViews, r.Version, r.CreatedAt, r.UpdatedAt, r.Voided, r.VoidReason)
        : throw new ArgumentException("Not an honoree talk.", nameof(r));
}

public sealed record PublicityResponse(string BranchId, string Id, string RegionCode, string CampaignId, string Channel,
    string Outlet, string Title, string? Url, DateOnly PublishedOn, int? Reach,
    long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Voided, string? VoidReason)
{
    public static PublicityResponse From(LoggedRecord r) => r.Data is PublicityItem d
        ? new(r.BranchId, r.RecordId, r.RegionCode, d.CampaignId, d.Channel, d.Outlet, d.Title, d.Url, d.PublishedOn, d.Reach,
            r.Version, r.CreatedAt, r.UpdatedAt, r.Voided, r.VoidReason)
        : throw new ArgumentException("Not a publicity item.", nameof(r));
}

public sealed record RollupChildResponse(string Code, string Name, TotalsDto Totals);

public sealed record RollupResponse(string Code, string Name, string Level, DateTimeOffset AsOf, TotalsDto Totals,
    IReadOnlyList<RollupChildResponse> Children);

public sealed record SeriesPointResponse(DateOnly Start, TotalsDto Totals);

public sealed record SeriesResponse(string Code, string CampaignId, string Interval, IReadOnlyList<SeriesPointResponse> Points);
