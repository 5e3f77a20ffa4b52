using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.SignOff;

namespace Grassroots.Silo.FunctionalTests.Approvals;

/// <summary>The sign-off calls as a client makes them, and what a refusal for a locked period must say.</summary>
internal static class SignOff
{
    public static string PathOf(string region, string period, string campaign = RecordScenario.Campaign) =>
        $"/api/approvals/{region}/{campaign}/{period}";

    /// <summary>POSTs one step (submit, approve, return, reopen) with an optional reason.</summary>
    public static Task<HttpResponseMessage> StepAsync(this HttpClient client, string step, string region, string period, string? reason = null,
        string campaign = RecordScenario.Campaign) =>
        client.PostAsJsonAsync<object>($"{PathOf(region, period, campaign)}/{step}", reason is null ? new { } : new { reason }, RecordScenario.Json);

    /// <summary>A step that must succeed: the period as it answers.</summary>
    public static async Task<PeriodDetail> TakeAsync(this HttpClient client, string step, string region, string period, string? reason = null,
        string campaign = RecordScenario.Campaign) =>
        await (await client.StepAsync(step, region, period, reason, campaign)).ReadAsync<PeriodDetail>(HttpStatusCode.OK);

    public static async Task<PeriodDetail> PeriodAsync(this HttpClient client, string region, string period, string campaign = RecordScenario.Campaign) =>
        await (await client.GetAsync(PathOf(region, period, campaign))).ReadAsync<PeriodDetail>(HttpStatusCode.OK);

    /// <summary>Asserts a 409 whose problem names the lock: campaign, period, region and state.</summary>
    public static async Task AssertLockedAsync(this HttpResponseMessage response, string period, string region, string state,
        string campaign = RecordScenario.Campaign)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal((campaign, period, region, state),
            (Text(problem, "campaignId"), Text(problem, "period"), Text(problem, "regionCode"), Text(problem, "state")));
        Assert.Contains(period, problem.GetProperty("title").GetString());
        Assert.Contains(region, problem.GetProperty("title").GetString());
        Assert.Contains(state, problem.GetProperty("title").GetString());
    }

    private static string? Text(JsonElement problem, string name) => problem.TryGetProperty(name, out var value) ? value.GetString() : null;
}
