using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grassroots.Domain.Rollups;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Grassroots.TestSupport;

namespace Grassroots.Silo.FunctionalTests.Reference;

public sealed class BranchesApiTests
{
    private static object Body(string regionCode = "440106") =>
        new { name = "广州地铁集团工会", regionCode, sector = "交通运输", memberCount = 3200, kind = "enterprise" };

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task RegisteringBranchCreatesItAndTheSameBodyAgainLeavesItUnchanged(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();

        var created = await client.PutAsJsonAsync("/api/branches/gz-metro", Body());
        var again = await client.PutAsJsonAsync("/api/branches/gz-metro", Body());

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/branches/gz-metro", created.Headers.Location?.OriginalString);
        var branch = await created.JsonAsync();
        Assert.Equal("gz-metro", branch.GetProperty("id").GetString());
        Assert.Equal("天河区", branch.GetProperty("regionName").GetString());
        Assert.Equal(3200, branch.GetProperty("memberCount").GetInt32());
        Assert.Equal("enterprise", branch.GetProperty("kind").GetString());
        Assert.Equal(1, branch.GetProperty("version").GetInt64());
        Assert.False(branch.TryGetProperty("totals", out _));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1, (await again.JsonAsync()).GetProperty("version").GetInt64());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task MovingBranchToAnotherCountyIncrementsVersionAndMovesItsRegistration(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();
        await client.PutAsJsonAsync("/api/branches/gz-metro", Body("440106"));

        var moved = await (await client.PutAsJsonAsync("/api/branches/gz-metro", Body("440105"))).JsonAsync();
        var movedAgain = await (await client.PutAsJsonAsync("/api/branches/gz-metro", Body("441900"))).JsonAsync();

        Assert.Equal(2, moved.GetProperty("version").GetInt64());
        Assert.Equal("海珠区", moved.GetProperty("regionName").GetString());
        Assert.Equal(3, movedAgain.GetProperty("version").GetInt64());
        Assert.Equal("东莞市", movedAgain.GetProperty("regionName").GetString());
        Assert.Equal(movedAgain.GetProperty("createdAt").GetString(), moved.GetProperty("createdAt").GetString());
        var grains = app.Service<IGrainFactory>();
        await app.SettleAsync();
        Assert.Equal(1, (await app.Service<RollupReplica>().GetTotalsAsync("441900", "any", null, null)).RegisteredBranches);
        Assert.Equal(0, (await app.Service<RollupReplica>().GetTotalsAsync("440106", "any", null, null)).RegisteredBranches);
        Assert.Equal(0, (await app.Service<RollupReplica>().GetTotalsAsync("440105", "any", null, null)).RegisteredBranches);
        Assert.Equal(1, (await app.Service<RollupReplica>().GetTotalsAsync("440000", "any", null, null)).RegisteredBranches);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task BranchTotalsCountItsOwnRecordsWithinThePeriod(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();
        await client.PutCampaignAsync();
        await client.PutBranchAsync("gz-metro", "440106");
        await app.LogStudySessionAsync("gz-metro", "s1", new DateOnly(2021, 3, 1), 30, frontline: 10);
        await app.LogStudySessionAsync("gz-metro", "s2", new DateOnly(2021, 5, 1), 20);

        var all = await client.GetFromJsonAsync<JsonElement>($"/api/branches/gz-metro?campaignId={ReferenceRequests.Campaign}");
        var fromApril = await client.GetFromJsonAsync<JsonElement>("/api/branches/gz-metro?from=2021-04-01&to=2021-12-31");

        Assert.Equal("天河区", all.GetProperty("regionName").GetString());
        var totals = all.GetProperty("totals");
        Assert.Equal(2, totals.GetProperty("studySessions").GetInt64());
        Assert.Equal(50, totals.GetProperty("attendance").GetInt64());
        Assert.Equal(10, totals.GetProperty("frontline").GetInt64());
        Assert.Equal(0, totals.GetProperty("honoreeTalks").GetInt64());
        Assert.Equal(1, totals.GetProperty("activeBranches").GetInt64());
        Assert.Equal(1, totals.GetProperty("registeredBranches").GetInt64());
        Assert.Equal(1.0, totals.GetProperty("coverage").GetDouble());
        Assert.Equal(1, fromApril.GetProperty("totals").GetProperty("studySessions").GetInt64());
        Assert.Equal(20, fromApril.GetProperty("totals").GetProperty("attendance").GetInt64());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task NewBranchHasZeroTotalsAndUnknownBranchIsNotFound(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();
        await client.PutBranchAsync("gz-metro", "440106");

        var totals = (await client.GetFromJsonAsync<JsonElement>("/api/branches/gz-metro")).GetProperty("totals");

        // Every figure (FigureShapesTests holds them to county_days' columns), registered branches and coverage.
        Assert.Equal(Domain.Model.Figures.Columns.Length + 2, totals.EnumerateObject().Count());
        Assert.All(totals.EnumerateObject().Where(p => p.Name != "registeredBranches"), p => Assert.Equal(0, p.Value.GetDouble()));
        await client.AssertNotFoundAsync("/api/branches/nobody");
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task BranchTotalsQueryIsValidatedNamingEachParameter(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();
        await client.PutBranchAsync("gz-metro", "440106");

        Assert.Equal(["campaignId"], await (await client.GetAsync("/api/branches/gz-metro?campaignId=nope")).ErrorFieldsAsync());
        Assert.Equal(["from"], await (await client.GetAsync("/api/branches/gz-metro?from=2021-02-30")).ErrorFieldsAsync());
        Assert.Equal(["to"], await (await client.GetAsync("/api/branches/gz-metro?from=2021-05-01&to=2021-04-01")).ErrorFieldsAsync());
        Assert.Equal(["branchId"], await (await client.GetAsync("/api/branches/gz%20metro")).ErrorFieldsAsync());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task BranchOutsideACountyLevelRegionIsRejectedNamingRegionCode(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();

        // CN, a province, a city that has counties, an unknown code, none.
        foreach (var regionCode in new[] { "CN", "440000", "440100", "999999", "" })
        {
            var response = await client.PutAsJsonAsync("/api/branches/gz-metro", Body(regionCode));
            Assert.Equal(["regionCode"], await response.ErrorFieldsAsync());
        }
        await client.AssertNotFoundAsync("/api/branches/gz-metro");
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task InvalidBranchFieldIsRejectedByNameAndNothingIsStored(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();
        (string Json, string Field)[] cases =
        [
            ("""{"name": "n", "regionCode": "440106", "memberCount": -1}""", "memberCount"),
            ("""{"name": "n", "regionCode": "440106", "memberCount": 1000001}""", "memberCount"),
            ("""{"name": "n", "regionCode": "440106"}""", "memberCount"),
            ("""{"name": "n", "regionCode": "440106", "memberCount": 1.5}""", "memberCount"),
            ("""{"name": "n", "regionCode": "440106", "memberCount": "many"}""", "memberCount"),
            ("""{"name": "n", "regionCode": "440106", "memberCount": 5, "kind": "Enterprise"}""", "kind"),
            ("""{"regionCode": "440106", "memberCount": 5}""", "name"),
            ("""{"name": "n", "regionCode": 440106, "memberCount": 5}""", "regionCode"),
        ];

        foreach (var (json, field) in cases)
        {
            var response = await client.PutRawAsync("/api/branches/gz-metro", json);
            Assert.Equal([field], await response.ErrorFieldsAsync());
        }
        await client.AssertNotFoundAsync("/api/branches/gz-metro");
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task EveryInvalidBranchFieldIsReportedAtOnce(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();

        var response = await client.PutAsJsonAsync($"/api/branches/{new string('b', 65)}",
            new { name = "", regionCode = "440000", sector = new string('s', 201), memberCount = -5, kind = "factory" });

        Assert.Equal(["branchId", "kind", "memberCount", "name", "regionCode", "sector"], await response.ErrorFieldsAsync());
    }
}
