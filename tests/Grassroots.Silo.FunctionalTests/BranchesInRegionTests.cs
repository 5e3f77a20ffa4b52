using System.Net.Http.Json;
using System.Text.Json;
using Grassroots.Domain.Records;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Grassroots.TestSupport;

namespace Grassroots.Silo.FunctionalTests.Reference;

public sealed class BranchesInRegionTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task RegionListHoldsTheBranchesOfItsSubtreeOnly(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();
        await client.PutBranchAsync("a-tianhe", "440106");
        await client.PutBranchAsync("b-haizhu", "440105", memberCount: 80);
        await client.PutBranchAsync("c-dongguan", "441900");
        await client.PutBranchAsync("d-xining", "630102");

        Assert.Equal(["a-tianhe", "b-haizhu"], await IdsAsync(client, "/api/regions/440100/branches"));
        Assert.Equal(["a-tianhe", "b-haizhu", "c-dongguan"], await IdsAsync(client, "/api/regions/440000/branches"));
        Assert.Equal(["a-tianhe", "b-haizhu", "c-dongguan", "d-xining"], await IdsAsync(client, "/api/regions/CN/branches"));
        Assert.Equal(["b-haizhu"], await IdsAsync(client, "/api/regions/440105/branches"));
        Assert.Empty(await IdsAsync(client, "/api/regions/110000/branches"));

        var page = await client.GetFromJsonAsync<JsonElement>("/api/regions/440105/branches");
        var item = page.GetProperty("items")[0];
        Assert.Equal("Branch b-haizhu", item.GetProperty("name").GetString());
        Assert.Equal("440105", item.GetProperty("regionCode").GetString());
        Assert.Equal(80, item.GetProperty("memberCount").GetInt32());
        Assert.Equal("enterprise", item.GetProperty("kind").GetString());
        Assert.Equal(JsonValueKind.Null, item.GetProperty("active").ValueKind);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task RegionListIsPagedInBranchIdOrderAndBlankParametersMeanDefaults(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();
        foreach (var id in new[] { "b5", "b2", "b4", "b1", "b3" }) await client.PutBranchAsync(id, "440106");

        var second = await client.GetFromJsonAsync<JsonElement>("/api/regions/440000/branches?page=2&pageSize=2");
        var third = await client.GetFromJsonAsync<JsonElement>("/api/regions/440000/branches?page=3&pageSize=2");
        var beyond = await client.GetFromJsonAsync<JsonElement>("/api/regions/440000/branches?page=9&pageSize=2");
        var defaults = await client.GetFromJsonAsync<JsonElement>("/api/regions/440000/branches");
        var blanks = await client.GetFromJsonAsync<JsonElement>("/api/regions/440000/branches?page=&pageSize=&campaignId=&active=");

        Assert.Equal(2, second.GetProperty("page").GetInt32());
        Assert.Equal(2, second.GetProperty("pageSize").GetInt32());
        Assert.Equal(5, second.GetProperty("total").GetInt64());
        Assert.Equal(["b3", "b4"], Ids(second));
        Assert.Equal(["b5"], Ids(third));
        Assert.Empty(Ids(beyond));
        Assert.Equal(5, beyond.GetProperty("total").GetInt64());
        Assert.Equal(1, defaults.GetProperty("page").GetInt32());
        Assert.Equal(50, defaults.GetProperty("pageSize").GetInt32());
        Assert.Equal(["b1", "b2", "b3", "b4", "b5"], Ids(blanks));
        Assert.Equal(50, blanks.GetProperty("pageSize").GetInt32());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task ActiveFilterKeepsBranchesWithANonVoidedRecordOfTheCampaignOfAnyKind(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();
        await client.PutCampaignAsync();
        await client.PutCampaignAsync("c2022", startsOn: "2022-01-01", endsOn: "2022-12-31");
        foreach (var id in new[] { "studied", "published", "competed", "voided", "other-campaign", "idle" }) await client.PutBranchAsync(id, "440106");
        var grains = app.Service<IGrainFactory>();
        await app.LogStudySessionAsync("studied", "s1", new DateOnly(2021, 3, 1), 30);
        await grains.GetGrain<IPublicityItemGrain>("published/p1").PutAsync(new PublicityItem(ReferenceRequests.Campaign, "newspaper",
            "南方日报", "劳模进车间", null, new DateOnly(2021, 4, 2), 5000), "test");
        // A branch that only ran a competition has reported too, as the coverage figures count it.
        await grains.GetGrain<ICompetitionGrain>("competed/k1").PutAsync(new Competition(ReferenceRequests.Campaign, "岗位练兵",
            "skills", new DateOnly(2021, 5, 1), null, new Attendance(40, null, null, null), 3, null), "test");
        await app.LogStudySessionAsync("voided", "s1", new DateOnly(2021, 3, 1), 30);
        await grains.GetGrain<IStudySessionGrain>("voided/s1").VoidAsync("duplicate", "test");
        await app.LogStudySessionAsync("other-campaign", "s1", new DateOnly(2022, 3, 1), 30, campaignId: "c2022");

        var url = $"/api/regions/440100/branches?campaignId={ReferenceRequests.Campaign}";
        var all = await client.GetFromJsonAsync<JsonElement>(url);

        Assert.Equal(["competed", "published", "studied"], await IdsAsync(client, url + "&active=true"));
        Assert.Equal(["idle", "other-campaign", "voided"], await IdsAsync(client, url + "&active=false"));
        Assert.Equal(3, (await client.GetFromJsonAsync<JsonElement>(url + "&active=true")).GetProperty("total").GetInt64());
        Assert.Equal(6, all.GetProperty("total").GetInt64());
        var active = all.GetProperty("items").EnumerateArray()
            .ToDictionary(i => i.GetProperty("id").GetString()!, i => i.GetProperty("active").GetBoolean());
        Assert.Equal(new Dictionary<string, bool>
        {
            ["competed"] = true, ["idle"] = false, ["other-campaign"] = false, ["published"] = true, ["studied"] = true, ["voided"] = false,
        }, active);
        var inactive = await client.GetFromJsonAsync<JsonElement>($"/api/reports/inactive-branches?regionCode=440100&campaignId={ReferenceRequests.Campaign}");
        Assert.Equal(["idle", "other-campaign", "voided"], inactive.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()).Order());
        var city = await client.GetFromJsonAsync<JsonElement>($"/api/rollups/440100?campaignId={ReferenceRequests.Campaign}");
        Assert.Equal(3, city.GetProperty("totals").GetProperty("activeBranches").GetInt64());
        Assert.Equal(["other-campaign"], await IdsAsync(client, "/api/regions/440106/branches?campaignId=c2022&active=true"));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task InvalidListQueryIsRejectedNamingTheParameter(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();
        await client.PutCampaignAsync();
        (string Query, string Field)[] cases =
        [
            ("active=true", "campaignId"),
            ("active=false", "campaignId"),
            ("active=yes&campaignId=c2020", "active"),
            ("campaignId=nope", "campaignId"),
            ("campaignId=bad%20id", "campaignId"),
            ("pageSize=0", "pageSize"),
            ("pageSize=501", "pageSize"),
            ("pageSize=ten", "pageSize"),
            ("page=0", "page"),
            ("page=-1", "page"),
        ];

        foreach (var (query, field) in cases)
            Assert.Equal([field], await (await client.GetAsync($"/api/regions/440000/branches?{query}")).ErrorFieldsAsync());
        Assert.Equal(500, (await client.GetFromJsonAsync<JsonElement>("/api/regions/440000/branches?pageSize=500")).GetProperty("pageSize").GetInt32());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task BranchListOfUnknownRegionIsNotFound(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();

        await client.AssertNotFoundAsync("/api/regions/999999/branches");
    }

    private static async Task<string[]> IdsAsync(HttpClient client, string url) =>
        Ids(await client.GetFromJsonAsync<JsonElement>(url));

    private static string[] Ids(JsonElement page) =>
        [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];
}
