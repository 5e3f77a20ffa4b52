using System.Text.Json.Serialization;
using Grassroots.Domain.Approvals;
using Microsoft.Extensions.Validation;
using Grassroots.Domain.Model;
using Grassroots.Domain.Regions;

namespace Grassroots.Silo.Apis;

// Wire shapes of the reference data. Request properties are all nullable so a missing field is reported by validation
// as "Is required." under its own name instead of failing in the JSON binder; each field's rule is stated on it
// (FieldAttributes.cs), for validation and the OpenAPI document alike.

public sealed record RegionDto(string Code, string Name, string Level, string? ParentCode, IReadOnlyList<RegionChildDto> Children);

public sealed record RegionChildDto(string Code, string Name);

[ValidatableType]
public sealed record CampaignRequest(
    [property: Required, Text(CampaignsApi.MaxTitle)] string? Title,
    [property: Required, Date(CampaignDay = true)] DateOnly? StartsOn,
    [property: Date(CampaignDay = true, NotBefore = nameof(CampaignRequest.StartsOn))] DateOnly? EndsOn,
    [property: Text(CampaignsApi.MaxDescription, MultiLine = true)] string? Description,
    [property: OneOf(typeof(ApprovalChoices), nameof(ApprovalChoices.ReportingPeriods))] string? ReportingPeriod = null,
    [property: ApprovalPath] IReadOnlyList<string?>? ApprovalPath = null);

/// <summary>A campaign; <see cref="ReportingPeriod"/> (week or month) and <see cref="ApprovalPath"/> say how its figures are signed off.</summary>
public sealed record CampaignDto(string Id, string Title, DateOnly StartsOn, DateOnly? EndsOn, string? Description,
    long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, string ReportingPeriod, IReadOnlyList<string> ApprovalPath);

public sealed record CampaignList(IReadOnlyList<CampaignDto> Items);

/// <summary>A branch's PUT body; not sealed so that an import row can be this body plus the branch's id.</summary>
[ValidatableType]
public record BranchRequest(
    [property: Required, Text(BranchesApi.MaxName)] string? Name,
    [property: Required, RegionCode(Level = RegionCodeLevel.County)] string? RegionCode,
    [property: Text(BranchesApi.MaxSector)] string? Sector,
    [property: Required, Count] int? MemberCount,
    [property: OneOf(typeof(BranchesApi), nameof(BranchesApi.Kinds))] string? Kind);

/// <summary>A branch; <see cref="Totals"/> is only present on GET, where it is computed from the branch's records.</summary>
public sealed record BranchDto(string Id, string Name, string RegionCode, string? RegionName, string? Sector, int MemberCount,
    string? Kind, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TotalsDto? Totals = null);

/// <summary>One branch of a region's list; <see cref="Active"/> is null when no campaign was asked about.</summary>
public sealed record BranchListItem(string Id, string Name, string RegionCode, int MemberCount, string? Kind, bool? Active);

public sealed record BranchPage(int Page, int PageSize, long Total, IReadOnlyList<BranchListItem> Items);

[ValidatableType]
public sealed record HonoreeRequest(
    [property: Required, Text(HonoreesApi.MaxName)] string? Name,
    [property: OneOf(typeof(HonoreesApi), nameof(HonoreesApi.Genders))] string? Gender,
    [property: Text(HonoreesApi.MaxEthnicity)] string? Ethnicity,
    [property: Required, OneOf(typeof(HonoreesApi), nameof(HonoreesApi.Titles))] string? Title,
    [property: Year(HonoreesApi.FirstHonoredYear)] int? HonoredYear,
    [property: Text(HonoreesApi.MaxEmployer)] string? Employer,
    [property: Required, RegionCode(Level = RegionCodeLevel.Province)] string? ProvinceCode);

/// <summary>An honoree; the figures (talks given, audience, online views, provinces reached) are only present on GET.</summary>
public sealed record HonoreeDto(string Id, string Name, string? Gender, string? Ethnicity, string Title, int? HonoredYear,
    string? Employer, string ProvinceCode, string? ProvinceName, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Talks = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Audience = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? OnlineViews = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? ProvincesReached = null);

/// <summary>One honoree of a name search: enough to tell namesakes apart (title, province, employer).</summary>
public sealed record HonoreeListItem(string Id, string Name, string Title, string ProvinceCode, string? ProvinceName, string? Employer);

public sealed record HonoreePage(int Page, int PageSize, long Total, IReadOnlyList<HonoreeListItem> Items);

public static class ReferenceMapping
{
    public static RegionDto AsDto(this Region r, IEnumerable<Region> children) => new(r.Code, r.Name,
        r.Level.ToString().ToLowerInvariant(), r.ParentCode, [.. children.Select(c => new RegionChildDto(c.Code, c.Name))]);

    public static CampaignDto AsDto(this Versioned<Campaign> c) => new(c.Value.Id, c.Value.Title, c.Value.StartsOn, c.Value.EndsOn,
        c.Value.Description, c.Version, c.CreatedAt, c.UpdatedAt, c.Value.ReportingPeriod, c.Value.Path);

    public static BranchDto AsDto(this Versioned<BranchProfile> b, string id, RegionDirectory regions, Totals? totals = null) =>
        new(id, b.Value.Name, b.Value.RegionCode, regions.Find(b.Value.RegionCode)?.Name, b.Value.Sector, b.Value.MemberCount,
            b.Value.Kind, b.Version, b.CreatedAt, b.UpdatedAt, totals is null ? null : TotalsDto.From(totals));

    public static HonoreeDto AsDto(this Versioned<HonoreeProfile> h, string id, RegionDirectory regions, HonoreeFigures? figures = null) =>
        new(id, h.Value.Name, h.Value.Gender, h.Value.Ethnicity, h.Value.Title, h.Value.HonoredYear, h.Value.Employer,
            h.Value.ProvinceCode, regions.Find(h.Value.ProvinceCode)?.Name, h.Version, h.CreatedAt, h.UpdatedAt,
            figures?.Talks, figures?.Audience, figures?.OnlineViews, figures?.ProvincesReached);

    // Called only after validation, which guarantees the required values.
    public static Campaign ToCampaign(this CampaignRequest r, string id) => new(id, r.Title!, r.StartsOn!.Value, r.EndsOn, r.Description,
        r.ReportingPeriod ?? PeriodKinds.Month, r.ApprovalPath is { } path ? [.. path!] : null);

    public static BranchProfile ToProfile(this BranchRequest r) => new(r.Name!, r.RegionCode!, r.Sector, r.MemberCount!.Value, r.Kind);

    public static HonoreeProfile ToProfile(this HonoreeRequest r) =>
        new(r.Name!, r.Gender, r.Ethnicity, r.Title!, r.HonoredYear, r.Employer, r.ProvinceCode!);
}
