using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Grassroots.Domain.Records;
using Grassroots.Silo.FunctionalTests.Support;

namespace Grassroots.Silo.FunctionalTests.Reference;

/// <summary>
/// Requests and assertions the reference-data tests share. Records are logged through their grains, so these
/// tests do not depend on the record endpoints. Kept in its own namespace so its extension methods never
/// collide with other test files' helpers.
/// </summary>
internal static class ReferenceRequests
{
    public const string Campaign = "c2020";

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Asserts a 400 problem and returns the names its <c>errors</c> are keyed by, sorted.</summary>
    public static async Task<string[]> ErrorFieldsAsync(this HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.JsonAsync();
        return [.. problem.GetProperty("errors").EnumerateObject().Select(e => e.Name).Order(StringComparer.Ordinal)];
    }

    public static async Task AssertNotFoundAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    public static Task<HttpResponseMessage> PutRawAsync(this HttpClient client, string url, string json) =>
        client.PutAsync(url, new StringContent(json, Encoding.UTF8, "application/json"));

    public static async Task PutCampaignAsync(this HttpClient client, string id = Campaign, string startsOn = "2020-11-24", string endsOn = "2021-12-31")
    {
        var response = await client.PutAsJsonAsync($"/api/campaigns/{id}",
            new { title = "学习贯彻全国劳动模范和先进工作者表彰大会精神", startsOn, endsOn });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public static async Task PutBranchAsync(this HttpClient client, string id, string regionCode, int memberCount = 120)
    {
        var response = await client.PutAsJsonAsync($"/api/branches/{id}",
            new { name = $"Branch {id}", regionCode, memberCount, kind = "enterprise" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    public static Task<RecordSaved> LogStudySessionAsync(this GrassrootsApp app, string branchId, string sessionId,
        DateOnly heldOn, int attendees, int? frontline = null, string campaignId = Campaign) =>
        app.Service<IGrainFactory>().GetGrain<IStudySessionGrain>($"{branchId}/{sessionId}").PutAsync(
            new StudySession(campaignId, "集中学习", heldOn, "offline", "group-study",
                new Attendance(attendees, frontline, null, null), null, null), "test");
}
