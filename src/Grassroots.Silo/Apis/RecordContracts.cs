using System.ComponentModel.DataAnnotations;
using Grassroots.Domain.Model;
using Microsoft.Extensions.Validation;

namespace Grassroots.Silo.Apis;

// Wire shapes of the kinds of record a branch logs. Request bodies are all-nullable so that a missing field is
// reported by validation with its name, not by the deserializer as an unreadable body; each field's rule is stated on
// it (FieldAttributes.cs), for validation and the OpenAPI document alike.

[ValidatableType]
public sealed record AttendeesRequest(
    [property: Required, Count] int? Total,
    [property: Count, NotAbove(nameof(AttendeesRequest.Total))] int? Frontline,
    [property: Count, NotAbove(nameof(AttendeesRequest.Total))] int? Youth,
    [property: Count, NotAbove(nameof(AttendeesRequest.Total))] int? Women) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => NotAboveAttribute.Check(this);
}

[ValidatableType]
public record StudySessionRequest(
    [property: Required, Id] string? CampaignId,
    [property: Required, Text(StudySessionsApi.MaxTitle)] string? Title,
    [property: Required, Date(CampaignDay = true)] DateOnly? HeldOn,
    [property: Required, OneOf(typeof(StudySessionsApi), nameof(StudySessionsApi.Formats))] string? Format,
    [property: OneOf(typeof(StudySessionsApi), nameof(StudySessionsApi.Kinds))] string? Kind,
    [property: Required] AttendeesRequest? Attendees,
    [property: Count] int? OnlineViews,
    [property: Text(StudySessionsApi.MaxNotes, MultiLine = true)] string? Notes);

[ValidatableType]
public record HonoreeTalkRequest(
    [property: Required, Id] string? CampaignId,
    [property: Required, IdList(HonoreeTalksApi.MaxHonorees)] IReadOnlyList<string?>? HonoreeIds,
    [property: Text(HonoreeTalksApi.MaxTitle)] string? Title,
    [property: Required, Date(CampaignDay = true)] DateOnly? HeldOn,
    [property: Required, OneOf(typeof(HonoreeTalksApi), nameof(HonoreeTalksApi.Venues))] string? Venue,
    [property: Required, OneOf(typeof(HonoreeTalksApi), nameof(HonoreeTalksApi.Formats))] string? Format,
    [property: Required, Count] int? Audience,
    [property: Count] int? OnlineViews) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => IdListAttribute.Check(this);
}

[ValidatableType]
public record PublicityRequest(
    [property: Required, Id] string? CampaignId,
    [property: Required, OneOf(typeof(PublicityApi), nameof(PublicityApi.Channels))] string? Channel,
    [property: Required, Text(PublicityApi.MaxOutlet)] string? Outlet,
    [property: Required, Text(PublicityApi.MaxTitle)] string? Title,
    [property: WebAddress(PublicityApi.MaxUrl)] string? Url,
    [property: Required, Date(CampaignDay = true)] DateOnly? PublishedOn,
    [property: Count] int? Reach);

[ValidatableType]
public record CompetitionRequest(
    [property: Required, Id] string? CampaignId,
    [property: Required, Text(CompetitionsApi.MaxTitle)] string? Title,
    [property: Required, OneOf(typeof(CompetitionsApi), nameof(CompetitionsApi.Kinds))] string? Kind,
    [property: Required, Date(CampaignDay = true)] DateOnly? StartsOn,
    [property: Date(CampaignDay = true, NotBefore = nameof(CompetitionRequest.StartsOn))] DateOnly? EndsOn,
    [property: Required] AttendeesRequest? Participants,
    [property: Count, NotAbove("Participants.Total")] int? Awardees,
    [property: Text(CompetitionsApi.MaxNotes, MultiLine = true)] string? Notes) : IValidatableObject
{
    // Awardees are people among the participants.
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => NotAboveAttribute.Check(this);
}

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

public sealed record CompetitionResponse(string BranchId, string Id, string RegionCode, string CampaignId, string Title, string Kind,
    DateOnly StartsOn, DateOnly? EndsOn, AttendeesResponse Participants, int? Awardees, string? Notes,
    long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Voided, string? VoidReason)
{
    public static CompetitionResponse From(LoggedRecord r)
    {
        var d = r.Data as Competition ?? throw new ArgumentException("Not a competition.", nameof(r));
        var p = d.Participants;
        return new(r.BranchId, r.RecordId, r.RegionCode, d.CampaignId, d.Title, d.Kind, d.StartsOn, d.EndsOn,
            new AttendeesResponse(p.Total, p.Frontline, p.Youth, p.Women), d.Awardees, d.Notes,
            r.Version, r.CreatedAt, r.UpdatedAt, r.Voided, r.VoidReason);
    }
}

public sealed record RollupChildResponse(string Code, string Name, TotalsDto Totals);

public sealed record RollupResponse(string Code, string Name, string Level, DateTimeOffset AsOf, TotalsDto Totals,
    IReadOnlyList<RollupChildResponse> Children);

public sealed record SeriesPointResponse(DateOnly Start, TotalsDto Totals);

public sealed record SeriesResponse(string Code, string CampaignId, string Interval, IReadOnlyList<SeriesPointResponse> Points);
