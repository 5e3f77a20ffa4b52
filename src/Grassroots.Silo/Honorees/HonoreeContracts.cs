using System.Text.Json.Serialization;
using Grassroots.Domain.Honorees;
using Grassroots.Domain.Model;
using Grassroots.Domain.Regions;
using Grassroots.Silo.Apis;
using Microsoft.Extensions.Validation;
using RequiredAttribute = Grassroots.Silo.Apis.RequiredAttribute;

namespace Grassroots.Silo.Honorees;

// Wire shapes of honorees. Request properties are all nullable so a missing field is reported by validation as "Is
// required." under its own name instead of failing in the JSON binder; each field's rule is stated on it
// (FieldAttributes.cs), for validation and the OpenAPI document alike.

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

public static class HonoreeMapping
{
    public static HonoreeDto AsDto(this Versioned<HonoreeProfile> h, string id, RegionDirectory regions, HonoreeFigures? figures = null) =>
        new(id, h.Value.Name, h.Value.Gender, h.Value.Ethnicity, h.Value.Title, h.Value.HonoredYear, h.Value.Employer,
            h.Value.ProvinceCode, regions.Find(h.Value.ProvinceCode)?.Name, h.Version, h.CreatedAt, h.UpdatedAt,
            figures?.Talks, figures?.Audience, figures?.OnlineViews, figures?.ProvincesReached);

    public static HonoreeProfile ToProfile(this HonoreeRequest r) =>
        new(r.Name!, r.Gender, r.Ethnicity, r.Title!, r.HonoredYear, r.Employer, r.ProvinceCode!);
}
