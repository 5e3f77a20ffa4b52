using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grassroots.Silo.FunctionalTests.Security;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Security;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests;

/// <summary>
/// What the dashboard reads besides rollups: who a key is (/api/me), a branch's own records in one list, and the
/// honoree leaderboard. World: <see cref="RecordScenario.SeedAsync"/> (b1, b2 in 青海; b3 in 广东; h1 青海, h2 广东).
/// </summary>
public sealed class DashboardSupportApiTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task MeAnswersTheRoleScopeAndLabelOfThePresentedKey(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var hq = app.CreateClient();
        var issued = await (await hq.PostAsJsonAsync("/api/keys", new { role = "region-admin", scope = "630000", label = "青海省总工会" }))
            .ReadAsync<JsonElement>(HttpStatusCode.Created);
        var branchKey = await app.IssueAsync(Roles.Branch, "b1");

        var hqMe = await (await hq.GetAsync("/api/me")).ReadAsync<JsonElement>(HttpStatusCode.OK);
        var adminMe = await (await app.ClientWith(issued.GetProperty("key").GetString()).GetAsync("/api/me")).ReadAsync<JsonElement>(HttpStatusCode.OK);
        var branchMe = await (await app.ClientWith(branchKey).GetAsync("/api/me")).ReadAsync<JsonElement>(HttpStatusCode.OK);

        Assert.Equal(("hq", "CN", "functional tests"), Who(hqMe));
        Assert.Equal(Keys.KeyIdOf(app.HqKey), hqMe.GetProperty("keyId").GetString());
        Assert.Equal(("region-admin", "630000", "青海省总工会"), Who(adminMe));
        Assert.Equal(issued.GetProperty("keyId").GetString(), adminMe.GetProperty("keyId").GetString());
        Assert.Equal(("branch", "b1", "test branch b1"), Who(branchMe));
        Assert.False(hqMe.TryGetProperty("key", out _));
        await (await app.ClientWith(null).GetAsync("/api/me")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task BranchRecordsListAllThreeKindsNewestFirstWithVoidedOnesMarked(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        await AddCampaignAsync(app, "c2", new DateOnly(2020, 11, 1), new DateOnly(2021, 12, 31));
        var client = app.CreateClient();
        await PutOkAsync(client, "/api/branches/b1/study-sessions/s1", Session(45, new DateOnly(2020, 12, 1)));
        await PutOkAsync(client, "/api/branches/b1/honoree-talks/t1", Talk(200) with { HeldOn = new DateOnly(2020, 12, 3) });
        await PutOkAsync(client, "/api/branches/b1/publicity/p1", Publicity(5000) with { PublishedOn = new DateOnly(2020, 12, 2) });
        await PutOkAsync(client, "/api/branches/b1/study-sessions/s-void", Session(10, new DateOnly(2020, 11, 30)));
        await PutOkAsync(client, "/api/branches/b1/study-sessions/s-c2", Session(9, new DateOnly(2020, 11, 20), campaignId: "c2"));
        await PutOkAsync(client, "/api/branches/b2/study-sessions/s-other", Session(99));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/branches/b1/study-sessions/s-void?reason=duplicate")).StatusCode);

        var page = await (await client.GetAsync("/api/branches/b1/records?campaignId=c1")).ReadAsync<JsonElement>(HttpStatusCode.OK);

        Assert.Equal(("b1", 1, 50, 4L), (page.GetProperty("branchId").GetString(), page.GetProperty("page").GetInt32(),
            page.GetProperty("pageSize").GetInt32(), page.GetProperty("total").GetInt64()));
        var items = page.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(["honoree-talk t1 2020-12-03", "publicity-item p1 2020-12-02", "study-session s1 2020-12-01", "study-session s-void 2020-11-30"],
            items.Select(i => $"{i.GetProperty("kind").GetString()} {i.GetProperty("id").GetString()} {i.GetProperty("date").GetString()}"));
        Assert.Equal([false, false, false, true], items.Select(i => i.GetProperty("voided").GetBoolean()));
        Assert.Equal("劳模进企业宣讲", items[0].GetProperty("title").GetString());
        Assert.Equal("""{"audience":200,"onlineViews":1000}""", items[0].GetProperty("figures").GetRawText());
        Assert.Equal("""{"reach":5000}""", items[1].GetProperty("figures").GetRawText());
        Assert.Equal("""{"attendance":45,"frontline":30,"youth":12,"women":20,"onlineViews":7}""", items[2].GetProperty("figures").GetRawText());

        var all = await (await client.GetAsync("/api/branches/b1/records?campaignId=&pageSize=2&page=3")).ReadAsync<JsonElement>(HttpStatusCode.OK);
        Assert.Equal(5, all.GetProperty("total").GetInt64());
        Assert.Equal(["s-c2"], all.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        var none = await (await client.GetAsync("/api/branches/b4/records")).ReadAsync<JsonElement>(HttpStatusCode.OK);
        Assert.Equal((0L, 0), (none.GetProperty("total").GetInt64(), none.GetProperty("items").GetArrayLength()));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task BranchRecordsAreReadByTheBranchAndTheAdminsAboveIt(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var own = await app.ClientAsync(Roles.Branch, "b1");
        var qinghai = await app.ClientAsync(Roles.RegionAdmin, "630000");
        var xining = await app.ClientAsync(Roles.RegionAdmin, "630100");

        Assert.Equal(HttpStatusCode.OK, (await own.GetAsync("/api/branches/b1/records")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await qinghai.GetAsync("/api/branches/b2/records")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await xining.GetAsync("/api/branches/b1/records")).StatusCode);
        await (await own.GetAsync("/api/branches/b2/records")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await qinghai.GetAsync("/api/branches/b3/records")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await app.CreateClient().GetAsync("/api/branches/nobody/records")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task BranchRecordsQueryIsCheckedFieldByField(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();

        await (await client.GetAsync("/api/branches/b1/records?page=0")).AssertProblemAsync(HttpStatusCode.BadRequest, "page");
        await (await client.GetAsync("/api/branches/b1/records?pageSize=501")).AssertProblemAsync(HttpStatusCode.BadRequest, "pageSize");
        await (await client.GetAsync("/api/branches/b1/records?pageSize=ten")).AssertProblemAsync(HttpStatusCode.BadRequest, "pageSize");
        await (await client.GetAsync("/api/branches/b1/records?campaignId=nope")).AssertProblemAsync(HttpStatusCode.BadRequest, "campaignId");
        await (await client.GetAsync($"/api/branches/{new string('b', 65)}/records")).AssertProblemAsync(HttpStatusCode.BadRequest, "branchId");
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task LeaderboardRanksHonoreesByTalksThenAudienceNationallyAndWithinAProvince(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        await AddHonoreeAsync(app, "h3", "630000");
        await AddHonoreeAsync(app, "h4", "630000"); // gives no talk: not on the board
        var client = app.CreateClient();
        // h1: two talks in 青海 (b1, b2) and one in 广东 (b3); h2: one big talk in 广东 and one shared with h1 there;
        // h3: two talks in 青海 with a smaller audience than h1's; a voided talk counts for nobody.
        await PutOkAsync(client, "/api/branches/b1/honoree-talks/t1", Talk(100, "h1"));
        await PutOkAsync(client, "/api/branches/b2/honoree-talks/t2", Talk(100, "h1"));
        await PutOkAsync(client, "/api/branches/b3/honoree-talks/t3", Talk(50, "h1", "h2"));
        await PutOkAsync(client, "/api/branches/b3/honoree-talks/t4", Talk(900, "h2"));
        await PutOkAsync(client, "/api/branches/b1/honoree-talks/t5", Talk(30, "h3"));
        await PutOkAsync(client, "/api/branches/b2/honoree-talks/t6", Talk(30, "h3"));
        await PutOkAsync(client, "/api/branches/b2/honoree-talks/t7", Talk(5000, "h3"));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/branches/b2/honoree-talks/t7?reason=typo")).StatusCode);

        var national = await (await client.GetAsync("/api/reports/honorees?campaignId=c1")).ReadAsync<JsonElement>(HttpStatusCode.OK);
        var guangdong = await (await client.GetAsync("/api/reports/honorees?campaignId=c1&regionCode=440000")).ReadAsync<JsonElement>(HttpStatusCode.OK);
        var top1 = await (await client.GetAsync("/api/reports/honorees?campaignId=c1&top=1")).ReadAsync<JsonElement>(HttpStatusCode.OK);
        var everyCampaign = await (await client.GetAsync("/api/reports/honorees")).ReadAsync<JsonElement>(HttpStatusCode.OK);

        Assert.Equal(("c1", "CN"), (national.GetProperty("campaignId").GetString(), national.GetProperty("regionCode").GetString()));
        Assert.Equal(["1 h1 3 250 2", "2 h2 2 950 1", "3 h3 2 60 1"], Board(national));
        var first = national.GetProperty("items")[0];
        Assert.Equal(("劳模 h1", "national-model-worker", "630000", "青海省", 3000L), (first.GetProperty("name").GetString(),
            first.GetProperty("title").GetString(), first.GetProperty("provinceCode").GetString(),
            first.GetProperty("provinceName").GetString(), first.GetProperty("onlineViews").GetInt64()));
        Assert.Equal(["1 h2 2 950 1", "2 h1 1 50 2"], Board(guangdong));
        Assert.Equal(["1 h1 3 250 2"], Board(top1));
        Assert.Equal(JsonValueKind.Null, everyCampaign.GetProperty("campaignId").ValueKind);
        Assert.Equal(Board(national), Board(everyCampaign));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task LeaderboardIsReadByHqAndByTheAdminsOfTheRegionItCovers(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var qinghai = await app.ClientAsync(Roles.RegionAdmin, "630000");
        var xining = await app.ClientAsync(Roles.RegionAdmin, "630100");
        var branch = await app.ClientAsync(Roles.Branch, "b1");

        Assert.Equal(HttpStatusCode.OK, (await qinghai.GetAsync("/api/reports/honorees?campaignId=c1&regionCode=630000")).StatusCode);
        await (await qinghai.GetAsync("/api/reports/honorees?campaignId=c1")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await qinghai.GetAsync("/api/reports/honorees?campaignId=c1&regionCode=440000")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await xining.GetAsync("/api/reports/honorees?campaignId=c1&regionCode=630000")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await branch.GetAsync("/api/reports/honorees?campaignId=c1&regionCode=630000")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task LeaderboardQueryIsCheckedFieldByField(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();

        foreach (var (query, field) in new[]
        {
            ("regionCode=630100", "regionCode"), ("regionCode=999999", "regionCode"), ("top=0", "top"), ("top=101", "top"),
            ("top=many", "top"), ("campaignId=nope", "campaignId"), ("campaignId=no%20spaces", "campaignId"),
        })
            await (await client.GetAsync($"/api/reports/honorees?{query}")).AssertProblemAsync(HttpStatusCode.BadRequest, field);
        var blanks = await (await client.GetAsync("/api/reports/honorees?campaignId=&regionCode=&top=")).ReadAsync<JsonElement>(HttpStatusCode.OK);
        Assert.Equal("CN", blanks.GetProperty("regionCode").GetString());
    }

    private static (string?, string?, string?) Who(JsonElement me) =>
        (me.GetProperty("role").GetString(), me.GetProperty("scope").GetString(), me.GetProperty("label").GetString());

    /// <summary>Each place as "rank id talks audience provincesReached".</summary>
    private static string[] Board(JsonElement board) => [.. board.GetProperty("items").EnumerateArray().Select(i =>
        $"{i.GetProperty("rank").GetInt32()} {i.GetProperty("honoreeId").GetString()} {i.GetProperty("talks").GetInt64()} " +
        $"{i.GetProperty("audience").GetInt64()} {i.GetProperty("provincesReached").GetInt32()}")];

    private static async Task PutOkAsync(HttpClient client, string path, object body)
    {
        var response = await client.PutAsync(path, body);
        Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK,
            $"PUT {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
