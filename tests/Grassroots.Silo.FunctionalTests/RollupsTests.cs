using System.Diagnostics;
using System.Net;
using Grassroots.Domain.Rollups;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests;

/// <summary>Records move the rollups of their county, city, province and CN exactly: once, by the difference, or out.</summary>
public sealed class RollupsTests
{
    private const string SessionPath = "/api/branches/b1/study-sessions/s1";

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task SamePutTwiceCountsOnceAtEveryLevel(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(SessionPath, Session(45))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(SessionPath, Session(45))).StatusCode);

        foreach (var totals in await client.TotalsAsync(Chain))
        {
            Assert.Equal((1L, 45L, 30L, 12L, 20L, 7L), (totals.StudySessions, totals.Attendance, totals.Frontline, totals.Youth, totals.Women, totals.OnlineViews));
            Assert.Equal(1, totals.ActiveBranches);
        }
        Assert.Equal(0, (await client.RollupAsync("630103")).Totals.StudySessions);
        Assert.Equal(0, (await client.RollupAsync("440000")).Totals.StudySessions);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task CorrectionMovesEveryLevelByTheDifference(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        // Another branch in the same city and province, so each level holds more than the corrected record.
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync("/api/branches/b2/study-sessions/other", Session(100))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(SessionPath, Session(45))).StatusCode);
        var before = await client.TotalsAsync(Chain);

        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(SessionPath, Session(50))).StatusCode);
        var after = await client.TotalsAsync(Chain);

        for (var level = 0; level < Chain.Length; level++)
        {
            Assert.Equal(5, after[level].Attendance - before[level].Attendance);
            Assert.Equal(before[level] with { Attendance = before[level].Attendance + 5 }, after[level]);
        }
        Assert.Equal((2L, 150L), (after[1].StudySessions, after[1].Attendance));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task VoidRemovesRecordsFromEveryLevelAndDropsTheBranchFromActive(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(SessionPath, Session(45))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync("/api/branches/b1/honoree-talks/t1", Talk(200, "h1", "h2"))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync("/api/branches/b1/publicity/p1", Publicity(5000))).StatusCode);
        foreach (var totals in await client.TotalsAsync(Chain))
            Assert.Equal((1L, 1L, 1L, 1L), (totals.StudySessions, totals.HonoreeTalks, totals.PublicityItems, totals.ActiveBranches));

        foreach (var path in new[] { SessionPath, "/api/branches/b1/honoree-talks/t1", "/api/branches/b1/publicity/p1" })
            Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{path}?reason=entered%20twice")).StatusCode);

        var cn = await client.RollupAsync("CN");
        foreach (var totals in (await client.TotalsAsync(Chain)).Append(cn.Children.Single(c => c.Code == "630000").Totals))
        {
            Assert.Equal(Silo.Apis.TotalsDto.From(Domain.Model.Totals.Zero) with { RegisteredBranches = totals.RegisteredBranches }, totals);
            Assert.Equal(0, totals.Coverage);
        }
        Assert.True((await (await client.GetAsync(SessionPath)).ReadAsync<Silo.Records.StudySessionResponse>(HttpStatusCode.OK)).Voided);
        var honorees = app.Service<RollupReplica>();
        Assert.Equal(0, (await honorees.GetHonoreeAsync("h1", "c1")).Talks);
        Assert.Equal(0, (await honorees.GetHonoreeAsync("h2", "c1")).Audience);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task CoverageCountsABranchOnceHoweverManyRecordsItLogs(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(SessionPath, Session(45))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync("/api/branches/b1/study-sessions/s2", Session(10, new DateOnly(2021, 3, 1)))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync("/api/branches/b1/publicity/p1", Publicity())).StatusCode);

        var cn = await client.RollupAsync("CN");
        Assert.Equal((1L, 4L, 0.25), (cn.Totals.ActiveBranches, cn.Totals.RegisteredBranches, cn.Totals.Coverage));
        var city = await client.RollupAsync("630100");
        Assert.Equal((1L, 2L, 0.5), (city.Totals.ActiveBranches, city.Totals.RegisteredBranches, city.Totals.Coverage));
        var county = await client.RollupAsync("630102");
        Assert.Equal((1L, 1L, 1.0), (county.Totals.ActiveBranches, county.Totals.RegisteredBranches, county.Totals.Coverage));

        // Active as of a day: only records dated on or before it count; the other figures count records within from..to.
        var early = await client.RollupAsync("630102", "campaignId=c1&to=2020-12-01");
        Assert.Equal((0L, 0L), (early.Totals.ActiveBranches, early.Totals.StudySessions));
        var spring = await client.RollupAsync("630102", "campaignId=c1&from=2021-01-01&to=2021-12-31");
        Assert.Equal((1L, 1L, 10L, 0L), (spring.Totals.ActiveBranches, spring.Totals.StudySessions, spring.Totals.Attendance, spring.Totals.PublicityItems));

        // Voiding the earliest record keeps the branch active through the later one.
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{SessionPath}?reason=x")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/branches/b1/publicity/p1?reason=x")).StatusCode);
        Assert.Equal(1, (await client.RollupAsync("CN")).Totals.ActiveBranches);
        Assert.Equal(0, (await client.RollupAsync("630102", "campaignId=c1&to=2021-02-28")).Totals.ActiveBranches);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task WriteIsVisibleInTheNationalRollupWithinASecond(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        Assert.Equal(0, (await client.RollupAsync("CN")).Totals.StudySessions); // the national grain is active and serving

        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(SessionPath, Session(45))).StatusCode);
        var clock = Stopwatch.StartNew();
        long seen;
        while ((seen = (await client.RollupAsync("CN")).Totals.Attendance) != 45 && clock.Elapsed < TimeSpan.FromSeconds(10))
            await Task.Delay(50);
        Assert.Equal(45, seen);
    }
}
