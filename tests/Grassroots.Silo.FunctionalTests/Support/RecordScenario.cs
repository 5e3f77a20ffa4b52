using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grassroots.Domain.Branches;
using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Honorees;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Records;
using Grassroots.Silo.Rollups;

namespace Grassroots.Silo.FunctionalTests.Support;

/// <summary>
/// Reference data the record and rollup tests stand on — campaign c1 (2020-11-24 to 2021-12-31), branches in
/// known counties, honorees — created through the grains, and small HTTP helpers for records and rollups.
/// </summary>
public static class RecordScenario
{
    public const string Campaign = "c1";
    public static readonly DateOnly Starts = new(2020, 11, 24);
    public static readonly DateOnly Ends = new(2021, 12, 31);
    public static readonly DateOnly Day = new(2020, 12, 4);

    public static readonly JsonSerializerOptions Json = JsonSerializerOptions.Web;

    /// <summary>County 630102 (西宁市城东区) lies in city 630100 and province 630000.</summary>
    public static readonly string[] Chain = ["630102", "630100", "630000", "CN"];

    public static Task AddCampaignAsync(GrassrootsApp app, string id = Campaign, DateOnly? starts = null, DateOnly? ends = null) =>
        app.Service<IGrainFactory>().GetGrain<ICampaignGrain>(id)
            .PutAsync(new Campaign(id, "学习贯彻劳模表彰大会重要讲话精神", starts ?? Starts, ends ?? Ends, null), "test");

    public static Task AddBranchAsync(GrassrootsApp app, string branchId, string county) =>
        app.Service<IGrainFactory>().GetGrain<IBranchGrain>(branchId)
            .PutAsync(new BranchProfile($"工会 {branchId}", county, null, 100, "enterprise"), "test");

    public static Task AddHonoreeAsync(GrassrootsApp app, string honoreeId, string province) =>
        app.Service<IGrainFactory>().GetGrain<IHonoreeGrain>(honoreeId)
            .PutAsync(new HonoreeProfile($"劳模 {honoreeId}", null, null, "national-model-worker", 2020, null, province), "test");

    /// <summary>Campaign c1, branch b1 in 630102, b2 in 630103, b3 in 440112, b4 in 110101; honorees h1 (青海), h2 (广东).</summary>
    public static async Task SeedAsync(GrassrootsApp app)
    {
        await AddCampaignAsync(app);
        await AddBranchAsync(app, "b1", "630102");
        await AddBranchAsync(app, "b2", "630103");
        await AddBranchAsync(app, "b3", "440112");
        await AddBranchAsync(app, "b4", "110101");
        await AddHonoreeAsync(app, "h1", "630000");
        await AddHonoreeAsync(app, "h2", "440000");
    }

    public static StudySessionRequest Session(int total = 45, DateOnly? heldOn = null, string campaignId = Campaign) =>
        new(campaignId, "集中学习劳模表彰大会讲话精神", heldOn ?? Day, "offline", "group-study",
            new AttendeesRequest(total, Math.Min(total, 30), Math.Min(total, 12), Math.Min(total, 20)), 7, null);

    public static HonoreeTalkRequest Talk(int audience = 200, params string[] honorees) =>
        new(Campaign, honorees.Length == 0 ? ["h1"] : honorees, "劳模进企业宣讲", Day, "enterprise", "onsite", audience, 1000);

    public static PublicityRequest Publicity(int? reach = 5000) =>
        new(Campaign, "newspaper", "青海日报", "劳模精神进班组", "https://example.org/a/1", Day, reach);

    public static CompetitionRequest Competition(int participants = 120, int? awardees = 9, string kind = "skills",
        DateOnly? startsOn = null, DateOnly? endsOn = null, int? frontline = 80) =>
        new(Campaign, "数控车工技能比武", kind, startsOn ?? Day, endsOn ?? Day.AddDays(2),
            new AttendeesRequest(participants, frontline, Math.Min(participants, 40), Math.Min(participants, 30)), awardees, "决赛在车间举行");

    public static Task<HttpResponseMessage> PutAsync(this HttpClient client, string path, object body) =>
        client.PutAsJsonAsync(path, body, Json);

    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    public static async Task<RollupResponse> RollupAsync(this HttpClient client, string code, string query = $"campaignId={Campaign}") =>
        await (await client.GetAsync($"/api/rollups/{code}?{query}")).ReadAsync<RollupResponse>(HttpStatusCode.OK);

    /// <summary>Totals of each region, in the order given.</summary>
    public static async Task<TotalsDto[]> TotalsAsync(this HttpClient client, params string[] codes) =>
        await Task.WhenAll(codes.Select(async c => (await client.RollupAsync(c)).Totals));

    /// <summary>Asserts a problem-details answer with <paramref name="status"/> whose errors name <paramref name="field"/>.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? field = null)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        if (field is not null)
        {
            Assert.True(problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out _),
                $"Expected errors to name '{field}': {text}");
        }
        return problem;
    }
}
