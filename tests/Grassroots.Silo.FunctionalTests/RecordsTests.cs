using System.Net;
using System.Text.Json;
using Grassroots.Domain.Rollups;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Records;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests;

/// <summary>PUT creates (201) or corrects (200), GET reads, DELETE voids — for each of the three kinds of record.</summary>
public sealed class RecordsTests
{
    private const string SessionPath = "/api/branches/b1/study-sessions/s1";

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task StudySessionPutCreatesThenCorrectsAndSamePutChangesNothing(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();

        var put = await client.PutAsync(SessionPath, Session(45));
        Assert.Equal(SessionPath, put.Headers.Location?.OriginalString);
        var created = await put.ReadAsync<StudySessionResponse>(HttpStatusCode.Created);
        Assert.Equal(("b1", "s1", "630102", 1L, false), (created.BranchId, created.Id, created.RegionCode, created.Version, created.Voided));
        Assert.Equal(new AttendeesResponse(45, 30, 12, 20), created.Attendees);

        var same = await (await client.PutAsync(SessionPath, Session(45))).ReadAsync<StudySessionResponse>(HttpStatusCode.OK);
        Assert.Equal(1, same.Version);

        var corrected = await (await client.PutAsync(SessionPath, Session(50))).ReadAsync<StudySessionResponse>(HttpStatusCode.OK);
        Assert.Equal((2L, 50), (corrected.Version, corrected.Attendees.Total));
        Assert.Equal(created.CreatedAt, corrected.CreatedAt);

        using var body = JsonDocument.Parse(await client.GetStringAsync(SessionPath));
        var root = body.RootElement;
        Assert.Equal("c1", root.GetProperty("campaignId").GetString());
        Assert.Equal("2020-12-04", root.GetProperty("heldOn").GetString());
        Assert.Equal("offline", root.GetProperty("format").GetString());
        Assert.Equal("group-study", root.GetProperty("kind").GetString());
        Assert.Equal(50, root.GetProperty("attendees").GetProperty("total").GetInt32());
        Assert.Equal(7, root.GetProperty("onlineViews").GetInt32());
        Assert.Equal(2, root.GetProperty("version").GetInt64());
        Assert.False(root.GetProperty("voided").GetBoolean());
        foreach (var field in new[] { "branchId", "id", "regionCode", "title", "notes", "createdAt", "updatedAt", "voidReason" })
            Assert.True(root.TryGetProperty(field, out _), field);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task StudySessionVoidNeedsReasonKeepsRecordReadableAndRefusesLaterWrites(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(SessionPath, Session())).StatusCode);

        await (await client.DeleteAsync(SessionPath)).AssertProblemAsync(HttpStatusCode.BadRequest, "reason");
        await (await client.DeleteAsync($"{SessionPath}?reason=")).AssertProblemAsync(HttpStatusCode.BadRequest, "reason");
        await (await client.DeleteAsync($"{SessionPath}?reason={new string('x', 501)}")).AssertProblemAsync(HttpStatusCode.BadRequest, "reason");
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{SessionPath}?reason=duplicate%20entry")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{SessionPath}?reason=again")).StatusCode);

        var voided = await (await client.GetAsync(SessionPath)).ReadAsync<StudySessionResponse>(HttpStatusCode.OK);
        Assert.Equal((true, "duplicate entry", 2L), (voided.Voided, voided.VoidReason, voided.Version));
        await (await client.PutAsync(SessionPath, Session(60))).AssertProblemAsync(HttpStatusCode.Conflict);

        await (await client.GetAsync("/api/branches/b1/study-sessions/nope")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.DeleteAsync("/api/branches/b1/study-sessions/nope?reason=x")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync($"/api/branches/b1/study-sessions/{new string('s', 65)}"))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "sessionId");
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task HonoreeTalkKeepsHonoreesDistinctAndSortedAndVoidDropsTheirFigures(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        const string path = "/api/branches/b1/honoree-talks/t1";

        var created = await (await client.PutAsync(path, Talk(200, "h2", "h1", "h2"))).ReadAsync<HonoreeTalkResponse>(HttpStatusCode.Created);
        Assert.Equal<string>(["h1", "h2"], created.HonoreeIds);
        var same = await (await client.PutAsync(path, Talk(200, "h1", "h2"))).ReadAsync<HonoreeTalkResponse>(HttpStatusCode.OK);
        Assert.Equal(1, same.Version);
        var read = await (await client.GetAsync(path)).ReadAsync<HonoreeTalkResponse>(HttpStatusCode.OK);
        Assert.Equal<string>(["h1", "h2"], read.HonoreeIds);
        Assert.Equal(("enterprise", "onsite", 200, 1000), (read.Venue, read.Format, read.Audience, read.OnlineViews));

        var replica = app.Service<RollupReplica>();
        Assert.Equal((1L, 200L, 1000L, 1), Figures(await replica.GetHonoreeAsync("h2", "c1")));
        var corrected = await (await client.PutAsync(path, Talk(250, "h2"))).ReadAsync<HonoreeTalkResponse>(HttpStatusCode.OK);
        Assert.Equal(2, corrected.Version);
        Assert.Equal<string>(["h2"], corrected.HonoreeIds);
        Assert.Equal((0L, 0L, 0L, 0), Figures(await replica.GetHonoreeAsync("h1", "c1")));
        Assert.Equal((1L, 250L, 1000L, 1), Figures(await replica.GetHonoreeAsync("h2", "c1")));

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{path}?reason=wrong%20branch")).StatusCode);
        Assert.True((await (await client.GetAsync(path)).ReadAsync<HonoreeTalkResponse>(HttpStatusCode.OK)).Voided);
        Assert.Equal((0L, 0L, 0L, 0), Figures(await replica.GetHonoreeAsync("h2", "c1")));
        Assert.Equal(0, (await client.RollupAsync("CN")).Totals.HonoreeTalks);
        await (await client.PutAsync(path, Talk(300))).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await client.GetAsync("/api/branches/b1/honoree-talks/t2")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.DeleteAsync("/api/branches/b1/honoree-talks/t2?reason=x")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.DeleteAsync("/api/branches/b1/honoree-talks/t1")).AssertProblemAsync(HttpStatusCode.BadRequest, "reason");
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task PublicityItemFollowsTheSameLifecycle(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        const string path = "/api/branches/b3/publicity/p1";

        var created = await (await client.PutAsync(path, Publicity(5000))).ReadAsync<PublicityResponse>(HttpStatusCode.Created);
        Assert.Equal(("440112", "newspaper", "青海日报", 5000), (created.RegionCode, created.Channel, created.Outlet, created.Reach));
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(path, Publicity(5000))).StatusCode);
        var corrected = await (await client.PutAsync(path, Publicity(null))).ReadAsync<PublicityResponse>(HttpStatusCode.OK);
        Assert.Equal((2L, (int?)null), (corrected.Version, corrected.Reach));
        var province = (await client.RollupAsync("440000")).Totals;
        Assert.Equal((1L, 0L), (province.PublicityItems, province.PublicityReach));

        await (await client.DeleteAsync(path)).AssertProblemAsync(HttpStatusCode.BadRequest, "reason");
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{path}?reason=retracted")).StatusCode);
        var voided = await (await client.GetAsync(path)).ReadAsync<PublicityResponse>(HttpStatusCode.OK);
        Assert.Equal((true, "retracted"), (voided.Voided, voided.VoidReason));
        Assert.Equal(0, (await client.RollupAsync("440000")).Totals.PublicityItems);
        await (await client.PutAsync(path, Publicity())).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await client.GetAsync("/api/branches/b3/publicity/p2")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.DeleteAsync("/api/branches/b3/publicity/p2?reason=x")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private static (long, long, long, int) Figures(Domain.Model.HonoreeFigures f) => (f.Talks, f.Audience, f.OnlineViews, f.ProvincesReached);
}
