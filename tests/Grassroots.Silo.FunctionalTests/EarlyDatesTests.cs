using System.Net;
using System.Net.Http.Json;
using Grassroots.Silo.FunctionalTests.Imports;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Imports;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests;

/// <summary>
/// No campaign or record falls before 2000-01-01 (DateAttribute.FirstDay): such a day is refused naming its field, on a
/// PUT and on an import row, and nothing is stored. On PostgreSQL 0001-01-01 once met a date storage reserves.
/// </summary>
public sealed class EarlyDatesTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task CampaignsBefore2000AreRefusedNamingTheFieldAndNotStored(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();

        await (await client.PutAsJsonAsync("/api/campaigns/w", new { title = "w", startsOn = "0001-01-01" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "startsOn");
        var both = await (await client.PutAsJsonAsync("/api/campaigns/w", new { title = "w", startsOn = "1999-06-01", endsOn = "1999-12-31" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "startsOn");
        Assert.Equal("Must not be before 2000-01-01.", both.GetProperty("errors").GetProperty("endsOn")[0].GetString());
        await (await client.GetAsync("/api/campaigns/w")).AssertProblemAsync(HttpStatusCode.NotFound);

        Assert.Equal(HttpStatusCode.Created, (await client.PutAsJsonAsync("/api/campaigns/w", new { title = "w", startsOn = "2000-01-01", endsOn = "2000-01-01" })).StatusCode);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task RecordsBefore2000AreRefusedNamingTheFieldEvenWhenTheirCampaignCoversThem(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        await AddCampaignAsync(app, "old", DateOnly.MinValue, ends: null); // as stored before the rule, through the grain
        var client = app.CreateClient();
        var (early, first) = (new DateOnly(1999, 12, 31), new DateOnly(2000, 1, 1));

        (string Path, string Field, object Body)[] refused =
        [
            ("study-sessions/s1", "heldOn", Session(heldOn: DateOnly.MinValue, campaignId: "old")),
            ("study-sessions/s2", "heldOn", Session(heldOn: early, campaignId: "old")),
            ("honoree-talks/t1", "heldOn", Talk() with { CampaignId = "old", HeldOn = early }),
            ("publicity/p1", "publishedOn", Publicity() with { CampaignId = "old", PublishedOn = early }),
        ];
        foreach (var (path, field, body) in refused)
        {
            var problem = await (await client.PutAsync($"/api/branches/b1/{path}", body)).AssertProblemAsync(HttpStatusCode.BadRequest, field);
            Assert.Equal("Must not be before 2000-01-01.", problem.GetProperty("errors").GetProperty(field)[0].GetString());
            await (await client.GetAsync($"/api/branches/b1/{path}")).AssertProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.Equal(0L, (await client.RollupAsync("CN", "campaignId=old")).Totals.StudySessions);

        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync("/api/branches/b1/study-sessions/s3", Session(heldOn: first, campaignId: "old"))).StatusCode);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task ImportRowsBefore2000AreRejectedNamingTheFieldAndTheOthersStored(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        await AddCampaignAsync(app, "old", DateOnly.MinValue, ends: null);
        var client = app.CreateClient();

        var json = await (await client.PostJsonAsync("""
            {"studySessions": [
               {"branchId":"b1","id":"s1","campaignId":"old","title":"学习","heldOn":"0001-01-01","format":"offline","attendees":{"total":40}},
               {"branchId":"b1","id":"s2","campaignId":"old","title":"学习","heldOn":"2000-01-01","format":"offline","attendees":{"total":40}}],
             "honoreeTalks": [
               {"branchId":"b2","id":"t1","campaignId":"old","honoreeIds":["h1"],"heldOn":"1999-12-31","venue":"school","format":"onsite","audience":90}],
             "publicity": [
               {"branchId":"b3","id":"p1","campaignId":"old","channel":"newspaper","outlet":"日报","title":"劳模","publishedOn":"1900-01-01"}]}
            """)).ReadAsync<ImportResult>(HttpStatusCode.OK);
        var csv = await client.ImportCsvAsync(ImportFiles.Csv(ImportFiles.ChineseHeader,
            ImportFiles.SessionLine("b2", "s3", 10, day: "2000-01-01").Replace(",c1,", ",old,"),
            ImportFiles.SessionLine("b2", "s4", 10, day: "1999/12/31").Replace(",c1,", ",old,")));

        Assert.Equal((1L, 3L), (json.Imported, json.Rejected));
        Assert.Equal([("honoree-talks", "heldOn"), ("publicity", "publishedOn"), ("study-sessions", "heldOn")],
            json.Conflicts.Select(c => (c.Type, c.Field)).Order().ToArray());
        Assert.All(json.Conflicts, c => Assert.Equal("Must not be before 2000-01-01.", c.Message));
        Assert.Equal((1L, 1L), (csv.Imported, csv.Rejected));
        Assert.Equal((3L, "heldOn"), (csv.Conflicts.Single().Line!.Value, csv.Conflicts.Single().Field));
        await (await client.GetAsync("/api/branches/b1/study-sessions/s1")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync("/api/branches/b2/study-sessions/s4")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
