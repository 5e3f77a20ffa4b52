using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grassroots.Domain.Records;
using Grassroots.Silo.FunctionalTests.Security;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Grassroots.TestSupport;

namespace Grassroots.Silo.FunctionalTests.Reference;

public sealed class HonoreesApiTests
{
    private static readonly object Body = new
    {
        name = "李绍杰",
        gender = "male",
        ethnicity = "汉族",
        title = "national-model-worker",
        honoredYear = 2020,
        employer = "青海盐湖工业股份有限公司",
        provinceCode = "630000",
    };

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task PuttingNewHonoreeCreatesItAndTheSameBodyAgainLeavesItUnchanged(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();

        var created = await client.PutAsJsonAsync("/api/honorees/h-li", Body);
        var again = await client.PutAsJsonAsync("/api/honorees/h-li", Body);
        var corrected = await client.PutAsJsonAsync("/api/honorees/h-li", new { name = "李绍杰", title = "may-day-medal", provinceCode = "630000" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/honorees/h-li", created.Headers.Location?.OriginalString);
        var honoree = await created.JsonAsync();
        Assert.Equal("h-li", honoree.GetProperty("id").GetString());
        Assert.Equal("青海省", honoree.GetProperty("provinceName").GetString());
        Assert.Equal(2020, honoree.GetProperty("honoredYear").GetInt32());
        Assert.Equal(1, honoree.GetProperty("version").GetInt64());
        Assert.False(honoree.TryGetProperty("talks", out _));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, (await again.JsonAsync()).GetProperty("version").GetInt64());
        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        var after = await corrected.JsonAsync();
        Assert.Equal(2, after.GetProperty("version").GetInt64());
        Assert.Equal(JsonValueKind.Null, after.GetProperty("gender").ValueKind);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task NewHonoreeHasZeroFigures(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();
        await client.PutCampaignAsync();
        await client.PutAsJsonAsync("/api/honorees/h-li", Body);

        foreach (var url in new[] { "/api/honorees/h-li", $"/api/honorees/h-li?campaignId={ReferenceRequests.Campaign}" })
        {
            var honoree = await client.GetFromJsonAsync<JsonElement>(url);
            Assert.Equal("李绍杰", honoree.GetProperty("name").GetString());
            foreach (var figure in new[] { "talks", "audience", "onlineViews", "provincesReached" })
                Assert.Equal(0, honoree.GetProperty(figure).GetInt64());
        }
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task HonoreeFiguresCountTheTalksNamingThem(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();
        await client.PutCampaignAsync();
        await client.PutCampaignAsync("c2022", startsOn: "2022-01-01", endsOn: "2022-12-31");
        await client.PutAsJsonAsync("/api/honorees/h-li", Body);
        await client.PutBranchAsync("gz-metro", "440106");
        await client.PutBranchAsync("xn-salt", "630102");
        var grains = app.Service<IGrainFactory>();
        async Task TalkAsync(string branchId, string talkId, string campaignId, DateOnly heldOn, int audience, int views) =>
            await grains.GetGrain<IHonoreeTalkGrain>($"{branchId}/{talkId}").PutAsync(
                new HonoreeTalk(campaignId, ["h-li"], "劳模宣讲", heldOn, "enterprise", "onsite", audience, views), "test");
        await TalkAsync("gz-metro", "t1", ReferenceRequests.Campaign, new DateOnly(2021, 3, 1), 200, 1000);
        await TalkAsync("xn-salt", "t1", ReferenceRequests.Campaign, new DateOnly(2021, 4, 1), 100, 0);
        await TalkAsync("xn-salt", "t2", "c2022", new DateOnly(2022, 4, 1), 50, 10);

        var all = await client.GetFromJsonAsync<JsonElement>("/api/honorees/h-li");
        var one = await client.GetFromJsonAsync<JsonElement>($"/api/honorees/h-li?campaignId={ReferenceRequests.Campaign}");

        Assert.Equal([3, 350, 1010, 2], new[] { "talks", "audience", "onlineViews", "provincesReached" }.Select(f => all.GetProperty(f).GetInt64()));
        Assert.Equal([2, 300, 1000, 2], new[] { "talks", "audience", "onlineViews", "provincesReached" }.Select(f => one.GetProperty(f).GetInt64()));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task InvalidHonoreeFieldIsRejectedByNameAndNothingIsStored(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();
        (string Json, string Field)[] cases =
        [
            ("""{"name": "n", "provinceCode": "630000"}""", "title"),
            ("""{"name": "n", "title": "model-worker", "provinceCode": "630000"}""", "title"),
            ("""{"name": "n", "title": "other", "gender": "F", "provinceCode": "630000"}""", "gender"),
            ("""{"name": "n", "title": "other"}""", "provinceCode"),
            ("""{"name": "n", "title": "other", "provinceCode": "630100"}""", "provinceCode"),
            ("""{"name": "n", "title": "other", "provinceCode": "CN"}""", "provinceCode"),
            ("""{"name": "n", "title": "other", "provinceCode": "630000", "honoredYear": 3000}""", "honoredYear"),
            ("""{"name": "n", "title": "other", "provinceCode": "630000", "honoredYear": 1899}""", "honoredYear"),
            ("""{"name": "n", "title": "other", "provinceCode": "630000", "honoredYear": "MMXX"}""", "honoredYear"),
            ("""{"title": "other", "provinceCode": "630000"}""", "name"),
        ];

        foreach (var (json, field) in cases)
            Assert.Equal([field], await (await client.PutRawAsync("/api/honorees/h-li", json)).ErrorFieldsAsync());
        await client.AssertNotFoundAsync("/api/honorees/h-li");
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task EveryInvalidHonoreeFieldIsReportedAtOnce(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();

        var response = await client.PutAsJsonAsync("/api/honorees/li%2Fshaojie", new
        {
            name = new string('名', 201),
            gender = "other",
            ethnicity = new string('族', 51),
            title = "hero",
            employer = new string('e', 201),
            provinceCode = "999999",
        });

        Assert.Equal(["employer", "ethnicity", "gender", "honoreeId", "name", "provinceCode", "title"], await response.ErrorFieldsAsync());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task UnknownHonoreeIsNotFoundAndUnknownCampaignIsRejected(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();
        await client.PutAsJsonAsync("/api/honorees/h-li", Body);

        await client.AssertNotFoundAsync("/api/honorees/nobody");
        Assert.Equal(["campaignId"], await (await client.GetAsync("/api/honorees/h-li?campaignId=nope")).ErrorFieldsAsync());
        Assert.Equal(["honoreeId"], await (await client.GetAsync("/api/honorees/h*li")).ErrorFieldsAsync());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task HonoreesAreFoundByPartOfTheirNameAndProvinceAPageAtATime(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();
        foreach (var (id, name, province) in new[]
                 {
                     ("h-li", "李绍杰", "630000"), ("h-li2", "李绍明", "440000"), ("h-wang", "王启民", "230000"), ("h-pct", "百分_之%", "630000"),
                 })
            Assert.Equal(HttpStatusCode.Created, (await client.PutAsJsonAsync($"/api/honorees/{id}", new { name, title = "other", provinceCode = province })).StatusCode);
        var branchKey = await app.IssueAsync(Grassroots.Silo.Security.Roles.Branch, "any-branch");

        async Task<string[]> FindAsync(HttpClient c, string query)
        {
            var page = await (await c.GetAsync($"/api/honorees?{query}")).JsonAsync();
            return [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];
        }

        Assert.Equal(["h-li2", "h-li"], (await FindAsync(client, "name=" + Uri.EscapeDataString("李绍"))).Order(StringComparer.Ordinal).Reverse());
        Assert.Equal(["h-li"], await FindAsync(client, $"name={Uri.EscapeDataString("李绍")}&provinceCode=630000"));
        Assert.Equal(["h-pct"], await FindAsync(client, "name=" + Uri.EscapeDataString("_之%")));
        Assert.Empty(await FindAsync(client, "name=" + Uri.EscapeDataString("%之")));
        Assert.Equal(4, (await FindAsync(client, "")).Length);
        var paged = await (await client.GetAsync("/api/honorees?pageSize=3&page=2")).JsonAsync();
        Assert.Equal((4L, 1), (paged.GetProperty("total").GetInt64(), paged.GetProperty("items").GetArrayLength()));
        var first = (await (await client.GetAsync("/api/honorees?name=" + Uri.EscapeDataString("王"))).JsonAsync()).GetProperty("items")[0];
        Assert.Equal(("王启民", "other", "230000", "黑龙江省"), (first.GetProperty("name").GetString(), first.GetProperty("title").GetString(),
            first.GetProperty("provinceCode").GetString(), first.GetProperty("provinceName").GetString()));

        Assert.Equal(["provinceCode"], await (await client.GetAsync("/api/honorees?provinceCode=630100")).ErrorFieldsAsync());
        Assert.Equal(["pageSize"], await (await client.GetAsync("/api/honorees?pageSize=501")).ErrorFieldsAsync());
        Assert.Equal(["name"], await (await client.GetAsync("/api/honorees?name=%E2%80%AE")).ErrorFieldsAsync());
        Assert.Equal(HttpStatusCode.OK, (await app.ClientWith(branchKey).GetAsync("/api/honorees?name=x")).StatusCode);
    }
}
