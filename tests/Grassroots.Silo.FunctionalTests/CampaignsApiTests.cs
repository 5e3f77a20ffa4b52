using System.Net;
using System.Net.Http.Json;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Grassroots.TestSupport;

namespace Grassroots.Silo.FunctionalTests.Reference;

public sealed class CampaignsApiTests
{
    private static readonly object Body = new
    {
        title = "学习贯彻习近平总书记在全国劳动模范和先进工作者表彰大会上的重要讲话精神",
        startsOn = "2020-11-24",
        endsOn = "2021-12-31",
        description = "全总部署",
    };

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task PuttingNewCampaignCreatesItAndTheSameBodyAgainLeavesItUnchanged(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();

        var created = await client.PutAsJsonAsync("/api/campaigns/c2020", Body);
        var again = await client.PutAsJsonAsync("/api/campaigns/c2020", Body);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/campaigns/c2020", created.Headers.Location?.OriginalString);
        var first = await created.JsonAsync();
        Assert.Equal("c2020", first.GetProperty("id").GetString());
        Assert.Equal("2020-11-24", first.GetProperty("startsOn").GetString());
        Assert.Equal("2021-12-31", first.GetProperty("endsOn").GetString());
        Assert.Equal("全总部署", first.GetProperty("description").GetString());
        Assert.Equal(1, first.GetProperty("version").GetInt64());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var second = await again.JsonAsync();
        Assert.Equal(1, second.GetProperty("version").GetInt64());
        Assert.Equal(first.GetProperty("updatedAt").GetString(), second.GetProperty("updatedAt").GetString());
        var read = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/campaigns/c2020");
        Assert.Equal(first.GetProperty("title").GetString(), read.GetProperty("title").GetString());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task CorrectingCampaignIncrementsItsVersionAndKeepsCreatedAt(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();
        var first = await (await client.PutAsJsonAsync("/api/campaigns/c2020", Body)).JsonAsync();

        var corrected = await client.PutAsJsonAsync("/api/campaigns/c2020", new { title = "Corrected", startsOn = "2020-11-24" });

        Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        var second = await corrected.JsonAsync();
        Assert.Equal(2, second.GetProperty("version").GetInt64());
        Assert.Equal("Corrected", second.GetProperty("title").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.GetProperty("endsOn").ValueKind);
        Assert.Equal(first.GetProperty("createdAt").GetString(), second.GetProperty("createdAt").GetString());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task CampaignsAreListedLatestStartFirst(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();
        await client.PutCampaignAsync("middle", startsOn: "2021-05-01");
        await client.PutCampaignAsync("oldest", startsOn: "2019-01-01");
        await client.PutCampaignAsync("newest", startsOn: "2022-03-01", endsOn: "2022-12-31");

        var list = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/campaigns");

        var items = list.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["newest", "middle", "oldest"], items.Select(c => c.GetProperty("id").GetString()));
        Assert.Equal("2022-03-01", items[0].GetProperty("startsOn").GetString());
        Assert.Equal(1, items[0].GetProperty("version").GetInt64());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task UnknownCampaignIsNotFoundAndInvalidIdIsRejected(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();

        await client.AssertNotFoundAsync("/api/campaigns/nope");
        Assert.Equal(["campaignId"], await (await client.GetAsync($"/api/campaigns/{new string('x', 65)}")).ErrorFieldsAsync());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task CampaignWithoutTitleOrStartIsRejectedNamingBothAndNothingIsStored(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();

        var response = await client.PutRawAsync("/api/campaigns/c2020", """{"title": "  ", "endsOn": "2021-12-31"}""");

        Assert.Equal(["startsOn", "title"], await response.ErrorFieldsAsync());
        await client.AssertNotFoundAsync("/api/campaigns/c2020");
        var list = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/campaigns");
        Assert.Equal(0, list.GetProperty("items").GetArrayLength());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task InvalidCampaignFieldsAreAllNamed(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();

        var response = await client.PutAsJsonAsync("/api/campaigns/bad!id", new
        {
            title = new string('题', 201),
            startsOn = "2021-01-01",
            endsOn = "2020-12-31",
            description = new string('d', 2001),
        });

        Assert.Equal(["campaignId", "description", "endsOn", "title"], await response.ErrorFieldsAsync());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite, """{"title": "t", "startsOn": "2020-13-45"}""", "startsOn")]
    [InlineData(StorageProvider.Sqlite, """{"title": "t", "startsOn": "24/11/2020"}""", "startsOn")]
    [InlineData(StorageProvider.Sqlite, """{"title": "t", "startsOn": "2020-11-24", "endsOn": 20211231}""", "endsOn")]
    [InlineData(StorageProvider.Sqlite, """{"title": 5, "startsOn": "2020-11-24"}""", "title")]
    [InlineData(StorageProvider.Sqlite, """{"title": "t", "startsOn": """, "startsOn")]
    [InlineData(StorageProvider.Sqlite, "[1, 2]", "body")]
    [InlineData(StorageProvider.Sqlite, "not json", "body")]
    public async Task MalformedCampaignJsonIsRejectedNamingTheField(StorageProvider provider, string json, string field)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();

        var response = await client.PutRawAsync("/api/campaigns/c2020", json);

        Assert.Equal([field], await response.ErrorFieldsAsync());
        await client.AssertNotFoundAsync("/api/campaigns/c2020");
    }
}
