using System.Globalization;
using Grassroots.Domain.Caching;

using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Silo.Apis;

/// <summary>Reference data: regions, campaigns, branches and honorees.</summary>
public static class ReferenceApis
{
    public static RouteGroupBuilder MapReferenceApis(this RouteGroupBuilder api) =>
        api.MapRegionsApi().MapCampaignsApi().MapBranchesApi().MapHonoreesApi();
}

/// <summary>
/// Query-string values are read as text, checked by their field rules (so a malformed one is reported under its own
/// name; the framework's binder would only say "body"), and read here once checked. An empty value, as an HTML form
/// sends for "any", counts as absent.
/// </summary>
internal static class ReferenceQuery
{
    /// <summary>The Validator's problem as the typed result that handler unions (<c>Results&lt;…, ValidationProblem&gt;</c>) need.</summary>
    public static ValidationProblem AsValidationProblem(this Validator v) => (ValidationProblem)v.Problem();

    public static string? Given(this string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>A date its <see cref="DateAttribute"/> has checked; null when absent.</summary>
    public static DateOnly? AsDate(this string? value) =>
        value.Given() is { } given ? DateOnly.ParseExact(given, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null;

    /// <summary>A number its <see cref="WholeAttribute"/> has checked; null when absent.</summary>
    public static int? AsNumber(this string? value) =>
        value.Given() is { } given ? int.Parse(given, NumberStyles.None, CultureInfo.InvariantCulture) : null;

    public static void Period(this Validator v, DateOnly? from, DateOnly? to)
    {
        if (from > to) v.Fail("to", "Must not be before from.");
    }

    /// <summary>An optional campaign filter must name a campaign that exists: a typo answers 400, not silent zeros.</summary>
    public static async Task CampaignAsync(this Validator v, CampaignDirectory campaigns, string? campaignId)
    {
        if (campaignId is null) return;
        if (await campaigns.GetAsync(campaignId) is null)
            v.Fail("campaignId", $"No campaign has the id '{campaignId}'.");
    }
}
