using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Model;
using Grassroots.Silo.Apis;
using Grassroots.Silo.SignOff;
using Microsoft.Extensions.Validation;
using RequiredAttribute = Grassroots.Silo.Apis.RequiredAttribute;

namespace Grassroots.Silo.Campaigns;

// Wire shapes of campaigns. Request properties are all nullable so a missing field is reported by validation as "Is
// required." under its own name instead of failing in the JSON binder; each field's rule is stated on it
// (FieldAttributes.cs), for validation and the OpenAPI document alike.

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

public static class CampaignMapping
{
    public static CampaignDto AsDto(this Versioned<Campaign> c) => new(c.Value.Id, c.Value.Title, c.Value.StartsOn, c.Value.EndsOn,
        c.Value.Description, c.Version, c.CreatedAt, c.UpdatedAt, c.Value.ReportingPeriod, c.Value.Path);

    /// <summary>Called only after validation, which guarantees the required values.</summary>
    public static Campaign ToCampaign(this CampaignRequest r, string id) => new(id, r.Title!, r.StartsOn!.Value, r.EndsOn, r.Description,
        r.ReportingPeriod ?? PeriodKinds.Month, r.ApprovalPath is { } path ? [.. path!] : null);
}
