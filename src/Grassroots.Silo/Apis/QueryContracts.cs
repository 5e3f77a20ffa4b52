using Grassroots.Domain;
using Grassroots.Silo.Imports;
using Microsoft.Extensions.Validation;

namespace Grassroots.Silo.Apis;

// Query strings, bound with [AsParameters] and checked by their field rules before the endpoint runs. Values are read
// as text, so a malformed one is named by its own field (the binder would only say it could not bind); the parameters
// are named as they are on the wire. An empty value, as an HTML form sends for "any", counts as absent. The rules are
// on the properties, not the constructor's parameters: the OpenAPI generator fails on the latter (dotnet/aspnetcore#65348).

/// <summary>Figures of one campaign or of all, for records dated from..to.</summary>
[ValidatableType]
public sealed record FiguresQuery([property: Id] string? campaignId, [property: Date] string? from, [property: Date] string? to);

/// <summary>The audit trail within the key's scope, filtered by branch, record, region and dates, a page at a time.</summary>
[ValidatableType]
public sealed record AuditTrailQuery([property: Id] string? branchId, [property: OneOf(typeof(AuditApi), nameof(AuditApi.RecordTypeNames))] string? recordType,
    [property: Id] string? recordId, [property: RegionCode(National = true)] string? regionCode, [property: Date] string? from,
    [property: Date] string? to, [property: Whole(1, int.MaxValue)] string? page, [property: Whole(1, AuditApi.MaxPageSize)] string? pageSize);

/// <summary>One campaign, required.</summary>
[ValidatableType]
public sealed record RequiredCampaignQuery([property: Required, Id] string? campaignId);

/// <summary>Figures of one campaign, for records dated from..to.</summary>
[ValidatableType]
/// <summary>A region's children's figures in a campaign (the region defaults to the nation), records dated from..to.</summary>
public sealed record ChildRegionsQuery([property: RegionCode(National = true)] string? regionCode, [property: Required, Id] string? campaignId,
    [property: Date] string? from, [property: Date] string? to);

public sealed record CampaignFiguresQuery([property: Required, Id] string? campaignId, [property: Date] string? from, [property: Date] string? to);

/// <summary>A campaign's figures per day, week or month.</summary>
[ValidatableType]
public sealed record SeriesQuery([property: Required, Id] string? campaignId, [property: Required, OneOf(typeof(RollupsApi), nameof(RollupsApi.IntervalNames))] string? interval,
    [property: Date] string? from, [property: Date] string? to);

/// <summary>A region's branches, all or only those (not) active in a campaign, a page at a time.</summary>
[ValidatableType]
public sealed record BranchListQuery([property: Flag] string? active, [property: Id] string? campaignId, [property: Whole(1, int.MaxValue)] string? page,
    [property: Whole(1, BranchesApi.MaxPageSize)] string? pageSize);

/// <summary>A branch's records, optionally of one campaign, a page at a time.</summary>
[ValidatableType]
public sealed record BranchRecordsQuery([property: Id] string? campaignId, [property: Whole(1, int.MaxValue)] string? page,
    [property: Whole(1, BranchRecordsApi.MaxPageSize)] string? pageSize);

/// <summary>The branches of a region (CN when absent) that have not reported in a campaign.</summary>
[ValidatableType]
public sealed record InactiveBranchesQuery([property: RegionCode(National = true)] string? regionCode, [property: Required, Id] string? campaignId,
    [property: Whole(1, int.MaxValue)] string? page, [property: Whole(1, BranchesApi.MaxPageSize)] string? pageSize);

/// <summary>The honoree leaderboard: one campaign or all, CN or the talks held in one province.</summary>
[ValidatableType]
public sealed record LeaderboardQuery([property: Id] string? campaignId, [property: RegionCode(National = true)] string? regionCode,
    [property: Whole(1, HonoreeLeaderboardApi.MaxTop)] string? top);

/// <summary>An honoree's figures in one campaign or all.</summary>
[ValidatableType]
public sealed record CampaignQuery([property: Id] string? campaignId);

/// <summary>Honorees by a part of their name, optionally of one province.</summary>
[ValidatableType]
public sealed record HonoreeSearchQuery([property: Text(HonoreesApi.MaxName)] string? name, [property: RegionCode(Level = RegionCodeLevel.Province)] string? provinceCode,
    [property: Whole(1, int.MaxValue)] string? page, [property: Whole(1, HonoreesApi.MaxPageSize)] string? pageSize);

/// <summary>Why a record is voided.</summary>
[ValidatableType]
public sealed record VoidQuery([property: Required, Text(RecordResource.MaxReasonLength)] string? reason);

/// <summary>How an import runs: checked only, as a job, and the kind of a CSV file.</summary>
[ValidatableType]
public sealed record ImportQuery([property: Flag] string? dryRun, [property: Flag] string? async, [property: OneOf(typeof(ImportKinds), nameof(ImportKinds.TypeNames))] string? type);

/// <summary>The kind of row an import template is for, as in ?type= of an import.</summary>
public sealed record ImportTemplateQuery([property: Required, OneOf(typeof(ImportKinds), nameof(ImportKinds.TypeNames))] string? type);

/// <summary>Reading checked query values: an empty one is absent.</summary>
internal static class QueryValues
{
    public static string? Given(this string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>A number its <see cref="WholeAttribute"/> has checked; null when absent.</summary>
    public static int? AsNumber(this string? value) =>
        value.Given() is { } given ? int.Parse(given, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture) : null;

    public static DateOnly? AsDate(this string? value) => DateAttribute.Read(value);

    /// <summary>from ≤ to, else the 400 naming to.</summary>
    public static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem? PeriodProblem(DateOnly? from, DateOnly? to) =>
        from > to ? FieldChecks.Invalid("to", new(MessageKeys.NotBefore, "from")) : null;

    /// <summary>An optional campaign filter must name a campaign that exists: a typo answers 400, not silent zeros.</summary>
    public static async Task<Microsoft.AspNetCore.Http.HttpResults.ValidationProblem?> CampaignProblemAsync(
        this Grassroots.Domain.Caching.CampaignDirectory campaigns, string? campaignId) =>
        campaignId is not null && await campaigns.GetAsync(campaignId) is null
            ? FieldChecks.Invalid("campaignId", new(MessageKeys.NoCampaign, campaignId))
            : null;
}
