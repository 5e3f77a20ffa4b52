using System.Net;
using System.Text.Json;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Rollups;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests;

/// <summary>The shape of a rollup and of a series, and how they answer bad queries.</summary>
public sealed class RollupsQueryTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task RollupNamesTheRegionAndListsEachChildWithItsTotals(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync("/api/branches/b1/study-sessions/s1", Session(45))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync("/api/branches/b3/study-sessions/s1", Session(30))).StatusCode);

        using var raw = JsonDocument.Parse(await client.GetStringAsync("/api/rollups/CN?campaignId=c1"));
        var root = raw.RootElement;
        Assert.Equal(("CN", "national"), (root.GetProperty("code").GetString(), root.GetProperty("level").GetString()));
        Assert.True(root.GetProperty("asOf").TryGetDateTimeOffset(out var asOf) && Math.Abs((DateTimeOffset.UtcNow - asOf).TotalMinutes) < 5);
        string[] fields = ["studySessions", "attendance", "frontline", "youth", "women", "honoreeTalks", "talkAudience", "onlineViews",
            "publicityItems", "publicityReach", "competitions", "competitionParticipants", "awardees", "activeBranches",
            "registeredBranches", "coverage"];
        Assert.Equal(fields, root.GetProperty("totals").EnumerateObject().Select(p => p.Name));
        Assert.Equal(75, root.GetProperty("totals").GetProperty("attendance").GetInt64());

        var cn = await client.RollupAsync("CN");
        Assert.Equal(31, cn.Children.Count);
        Assert.Equal((45L, 2L), (cn.Children.Single(c => c.Code == "630000").Totals.Attendance, cn.Children.Single(c => c.Code == "630000").Totals.RegisteredBranches));
        Assert.Equal(("广东省", 30L), (cn.Children.Single(c => c.Code == "440000").Name, cn.Children.Single(c => c.Code == "440000").Totals.Attendance));
        Assert.Equal(cn.Totals.Attendance, cn.Children.Sum(c => c.Totals.Attendance));

        var city = await client.RollupAsync("630100");
        Assert.Equal(("西宁市", "city"), (city.Name, city.Level));
        Assert.Equal(45, city.Children.Single(c => c.Code == "630102").Totals.Attendance);
        Assert.Equal(0, city.Children.Single(c => c.Code == "630103").Totals.Attendance);
        var county = await client.RollupAsync("630102");
        Assert.Equal(("城东区", "county", 0), (county.Name, county.Level, county.Children.Count));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task RollupRefusesBadQueriesNamingTheParameter(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();

        await (await client.GetAsync("/api/rollups/CN")).AssertProblemAsync(HttpStatusCode.BadRequest, "campaignId");
        await (await client.GetAsync("/api/rollups/CN?campaignId=nope")).AssertProblemAsync(HttpStatusCode.BadRequest, "campaignId");
        await (await client.GetAsync("/api/rollups/999999?campaignId=c1")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync("/api/rollups/CN?campaignId=c1&from=yesterday")).AssertProblemAsync(HttpStatusCode.BadRequest, "from");
        await (await client.GetAsync("/api/rollups/CN?campaignId=c1&from=2021-02-01&to=2021-01-01")).AssertProblemAsync(HttpStatusCode.BadRequest, "to");
        await (await client.GetAsync("/api/rollups/CN/series?campaignId=c1")).AssertProblemAsync(HttpStatusCode.BadRequest, "interval");
        await (await client.GetAsync("/api/rollups/CN/series?campaignId=c1&interval=year")).AssertProblemAsync(HttpStatusCode.BadRequest, "interval");
        await (await client.GetAsync("/api/rollups/CN/series?interval=day")).AssertProblemAsync(HttpStatusCode.BadRequest, "campaignId");
        await (await client.GetAsync("/api/rollups/XX/series?campaignId=c1&interval=day")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync("/api/rollups/CN/series?campaignId=c1&interval=day&from=2018-01-01&to=2021-12-31"))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "interval");
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task SeriesBucketsRecordsByDayWeekAndMonthOverTheCampaign(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        var days = new[] { new DateOnly(2020, 11, 24), new DateOnly(2020, 11, 30), new DateOnly(2020, 12, 4), new DateOnly(2021, 12, 31) };
        for (var i = 0; i < days.Length; i++)
            Assert.Equal(HttpStatusCode.Created, (await client.PutAsync($"/api/branches/b1/study-sessions/s{i}", Session(10 * (i + 1), days[i]))).StatusCode);

        // Without from/to: the whole campaign (it ended in the past).
        var months = await (await client.GetAsync("/api/rollups/630000/series?campaignId=c1&interval=month")).ReadAsync<SeriesResponse>(HttpStatusCode.OK);
        Assert.Equal(("630000", "c1", "month", 14), (months.Code, months.CampaignId, months.Interval, months.Points.Count));
        Assert.Equal((new DateOnly(2020, 11, 1), 30L), (months.Points[0].Start, months.Points[0].Totals.Attendance));
        Assert.Equal((new DateOnly(2020, 12, 1), 30L), (months.Points[1].Start, months.Points[1].Totals.Attendance));
        Assert.Equal((new DateOnly(2021, 12, 1), 40L), (months.Points[^1].Start, months.Points[^1].Totals.Attendance));
        Assert.Equal(100, months.Points.Sum(p => p.Totals.Attendance));
        Assert.Equal([1L, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], months.Points.Select(p => p.Totals.ActiveBranches));

        var weeks = await (await client.GetAsync("/api/rollups/CN/series?campaignId=c1&interval=week&from=2020-11-24&to=2020-12-06"))
            .ReadAsync<SeriesResponse>(HttpStatusCode.OK);
        Assert.Equal([new DateOnly(2020, 11, 23), new(2020, 11, 30)], weeks.Points.Select(p => p.Start));
        Assert.Equal([10L, 50L], weeks.Points.Select(p => p.Totals.Attendance));

        var daily = await (await client.GetAsync("/api/rollups/630102/series?campaignId=c1&interval=day&from=2020-11-29&to=2020-12-01"))
            .ReadAsync<SeriesResponse>(HttpStatusCode.OK);
        Assert.Equal([0L, 1, 0], daily.Points.Select(p => p.Totals.StudySessions));
        Assert.Equal([1L, 1, 1], daily.Points.Select(p => p.Totals.ActiveBranches));
    }
}
