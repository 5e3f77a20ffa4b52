using Grassroots.Domain;

namespace Grassroots.Silo.Apis;

// Query strings (each beside the endpoint that takes it) are bound with [AsParameters] and checked by their field rules
// before the endpoint runs. Values are read as text, so a malformed one is named by its own field (the binder would only
// say it could not bind); the parameters are named as they are on the wire. An empty value, as an HTML form sends for "any", counts as absent. The rules are
// on the properties, not the constructor's parameters: the OpenAPI generator fails on the latter (dotnet/aspnetcore#65348).

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
        this Grassroots.Domain.Campaigns.CampaignDirectory campaigns, string? campaignId) =>
        campaignId is not null && await campaigns.GetAsync(campaignId) is null
            ? FieldChecks.Invalid("campaignId", new(MessageKeys.NoCampaign, campaignId))
            : null;
}
