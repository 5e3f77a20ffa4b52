using System.Globalization;
using Grassroots.Domain.Contracts;

using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Silo.Apis;

/// <summary>Reference data: regions, campaigns, branches and honorees.</summary>
public static class ReferenceApis
{
    public static RouteGroupBuilder MapReferenceApis(this RouteGroupBuilder api) =>
        api.MapRegionsApi().MapCampaignsApi().MapBranchesApi().MapHonoreesApi();
}

/// <summary>
/// Query-string values are read as text and parsed here, so a malformed one is reported under its own name
/// (the framework's binder would only say "body"). An empty value, as an HTML form sends for "any", counts as absent.
/// </summary>
internal static class ReferenceQuery
{
    /// <summary>The Validator's problem as the typed result that handler unions (<c>Results&lt;…, ValidationProblem&gt;</c>) need.</summary>
    public static ValidationProblem AsValidationProblem(this Validator v) => (ValidationProblem)v.Problem();

    public static string? Given(this string? value) => string.IsNullOrEmpty(value) ? null : value;

    public static DateOnly? Date(this Validator v, string field, string? value)
    {
        if (value.Given() is null) return null;
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return day;
        v.Fail(field, "Must be a date written YYYY-MM-DD.");
        return null;
    }

    public static bool? Flag(this Validator v, string field, string? value)
    {
        if (value.Given() is null) return null;
        if (value is "true" or "false") return value == "true";
        v.Fail(field, "Must be true or false.");
        return null;
    }

    public static int Number(this Validator v, string field, string? value, int fallback, int min, int max)
    {
        if (value.Given() is null) return fallback;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max) return n;
        v.Fail(field, $"Must be a whole number from {min} to {max}.");
        return fallback;
    }

    public static void Period(this Validator v, DateOnly? from, DateOnly? to)
    {
        if (from > to) v.Fail("to", "Must not be before from.");
    }

    /// <summary>An optional campaign filter must name a campaign that exists: a typo answers 400, not silent zeros.</summary>
    public static async Task CampaignAsync(this Validator v, IGrainFactory grains, string? campaignId)
    {
        if (campaignId is null || !v.Id("campaignId", campaignId)) return;
        if (await grains.GetGrain<ICampaignGrain>(campaignId).GetAsync() is null)
            v.Fail("campaignId", $"No campaign has the id '{campaignId}'.");
    }
}
