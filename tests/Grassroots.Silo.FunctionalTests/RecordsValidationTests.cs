using System.Net;
using System.Text;
using Grassroots.Domain.Rollups;
using Grassroots.Silo.Apis;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Records;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests;

/// <summary>Every bad input is refused with problem details naming the field, and nothing is stored or counted.</summary>
public sealed class RecordsValidationTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task BadStudySessionsAreRefusedNamingTheFieldAndNothingIsStored(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        await AddCampaignAsync(app, "open", new DateOnly(2020, 1, 1), ends: null);
        var client = app.CreateClient();
        var ok = Session();
        var future = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(3);
        (string Field, HttpStatusCode Status, string Path, object Body)[] cases =
        [
            ("heldOn", HttpStatusCode.BadRequest, "s1", ok with { HeldOn = new DateOnly(2020, 11, 23) }),
            ("heldOn", HttpStatusCode.BadRequest, "s2", ok with { HeldOn = new DateOnly(2022, 1, 1) }),
            ("heldOn", HttpStatusCode.BadRequest, "s3", ok with { CampaignId = "open", HeldOn = future }),
            ("campaignId", HttpStatusCode.BadRequest, "s4", ok with { CampaignId = "no-such-campaign" }),
            ("attendees.total", HttpStatusCode.BadRequest, "s5", ok with { Attendees = new(-1, null, null, null) }),
            ("attendees.total", HttpStatusCode.BadRequest, "s6", ok with { Attendees = new(1_000_001, null, null, null) }),
            ("attendees.youth", HttpStatusCode.BadRequest, "s7", ok with { Attendees = new(10, 5, 11, 3) }),
            ("attendees.total", HttpStatusCode.BadRequest, "s8", ok with { Attendees = new(null, null, null, null) }),
            ("attendees", HttpStatusCode.BadRequest, "s9", ok with { Attendees = null }),
            ("onlineViews", HttpStatusCode.BadRequest, "s10", ok with { OnlineViews = -5 }),
            ("title", HttpStatusCode.BadRequest, "s11", ok with { Title = " " }),
            ("title", HttpStatusCode.BadRequest, "s12", ok with { Title = new string('题', 201) }),
            ("notes", HttpStatusCode.BadRequest, "s13", ok with { Notes = new string('n', 2001) }),
            ("format", HttpStatusCode.BadRequest, "s14", ok with { Format = "Offline" }),
            ("kind", HttpStatusCode.BadRequest, "s15", ok with { Kind = "party" }),
            ("heldOn", HttpStatusCode.BadRequest, "s16", ok with { HeldOn = null }),
            ("campaignId", HttpStatusCode.BadRequest, "s17", ok with { CampaignId = "bad id/" }),
            ("sessionId", HttpStatusCode.BadRequest, new string('s', 65), ok),
            ("sessionId", HttpStatusCode.BadRequest, "s%20x", ok),
            ("attendees.total", HttpStatusCode.BadRequest, "s18", Raw("""{"campaignId":"c1","title":"t","heldOn":"2020-12-04","format":"offline","attendees":{"total":"many"}}""")),
            ("attendees.total", HttpStatusCode.BadRequest, "s19", Raw("""{"campaignId":"c1","title":"t","heldOn":"2020-12-04","format":"offline","attendees":{"total":4.5}}""")),
            ("heldOn", HttpStatusCode.BadRequest, "s20", Raw("""{"campaignId":"c1","title":"t","heldOn":"4 Dec 2020","format":"offline","attendees":{"total":4}}""")),
            ("attendees.total", HttpStatusCode.BadRequest, "s21", Raw("""{"campaignId":"c1","title":"t","heldOn":"2020-12-04","format":"offline","attendees":{"total":99999999999}}""")),
            ("title", HttpStatusCode.BadRequest, "s22", Raw("""{"campaignId":"c1","title":5,"heldOn":"2020-12-04","format":"offline","attendees":{"total":4}}""")),
        ];
        foreach (var (field, status, id, body) in cases)
        {
            var path = $"/api/branches/b1/study-sessions/{id}";
            var response = body is HttpContent content ? await client.PutAsync(path, content) : await client.PutAsync(path, body);
            await response.AssertProblemAsync(status, field);
            if (field != "sessionId") await (await client.GetAsync(path)).AssertProblemAsync(HttpStatusCode.NotFound);
        }

        // Unknown branch, and a body that is not JSON at all.
        await (await client.PutAsync("/api/branches/no-such-branch/study-sessions/s1", ok)).AssertProblemAsync(HttpStatusCode.BadRequest, "branchId");
        var malformed = await (await client.PutAsync("/api/branches/b1/study-sessions/s1", Raw("""{"campaignId":"c1","title":"""))).AssertProblemAsync(HttpStatusCode.BadRequest);
        Assert.NotEmpty(malformed.GetProperty("errors").EnumerateObject());
        foreach (var notAnObject in new[] { "", "null", "[]", "42" })
            await (await client.PutAsync("/api/branches/b1/study-sessions/s1", Raw(notAnObject))).AssertProblemAsync(HttpStatusCode.BadRequest);
        await (await client.PutAsync("/api/branches/b1/study-sessions/s1", new StringContent("title=x", Encoding.UTF8, "text/plain")))
            .AssertProblemAsync(HttpStatusCode.UnsupportedMediaType);

        await AssertNothingCountedAsync(client);

        // A bad correction leaves the stored record and its figures as they were.
        const string kept = "/api/branches/b4/study-sessions/kept";
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(kept, ok)).StatusCode);
        await (await client.PutAsync(kept, ok with { Attendees = new(45, null, 46, null) })).AssertProblemAsync(HttpStatusCode.BadRequest, "attendees.youth");
        await (await client.PutAsync(kept, ok with { HeldOn = new DateOnly(2019, 1, 1) })).AssertProblemAsync(HttpStatusCode.BadRequest, "heldOn");
        await (await client.PutAsync(kept, ok with { CampaignId = "c404" })).AssertProblemAsync(HttpStatusCode.BadRequest, "campaignId");
        var stored = await (await client.GetAsync(kept)).ReadAsync<StudySessionResponse>(HttpStatusCode.OK);
        Assert.Equal((1L, 45, new DateOnly(2020, 12, 4)), (stored.Version, stored.Attendees.Total, stored.HeldOn));
        Assert.Equal((1L, 45L, 12L), ((await client.RollupAsync("110000")).Totals.StudySessions, (await client.RollupAsync("CN")).Totals.Attendance,
            (await client.RollupAsync("110101")).Totals.Youth));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task BodiesOverOneMebibyteAreRefusedWith413WithOrWithoutALength(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        var huge = Session() with { Notes = new string('n', (1 << 20) + 10) };
        var json = System.Text.Json.JsonSerializer.Serialize(huge, Json);

        await (await client.PutAsync("/api/branches/b1/study-sessions/s1", Raw(json))).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        // No Content-Length: the body is cut off while it is read.
        var request = new HttpRequestMessage(HttpMethod.Put, "/api/branches/b1/study-sessions/s2") { Content = new NoLengthContent(json) };
        await (await client.SendAsync(request)).AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        await (await client.GetAsync("/api/branches/b1/study-sessions/s1")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync("/api/branches/b1/study-sessions/s2")).AssertProblemAsync(HttpStatusCode.NotFound);
        await AssertNothingCountedAsync(client);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task BadTalksAndPublicityAreRefusedNamingTheField(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        var talk = Talk();
        var item = Publicity();
        (string Field, string Path, object Body)[] cases =
        [
            ("honoreeIds[0]", "honoree-talks/t1", talk with { HonoreeIds = ["no-such-honoree", "h1"] }),
            ("honoreeIds[2]", "honoree-talks/t2", talk with { HonoreeIds = ["h2", "h1", "zz-missing"] }),
            ("honoreeIds[1]", "honoree-talks/t3", talk with { HonoreeIds = ["h1", "not valid!"] }),
            ("honoreeIds", "honoree-talks/t4", talk with { HonoreeIds = [] }),
            ("honoreeIds", "honoree-talks/t5", talk with { HonoreeIds = [.. Enumerable.Range(0, 21).Select(i => $"h{i}")] }),
            ("audience", "honoree-talks/t6", talk with { Audience = 1_000_001 }),
            ("audience", "honoree-talks/t7", talk with { Audience = null }),
            ("venue", "honoree-talks/t8", talk with { Venue = "stadium" }),
            ("format", "honoree-talks/t9", talk with { Format = "tv" }),
            ("heldOn", "honoree-talks/t10", talk with { HeldOn = new DateOnly(2019, 5, 1) }),
            ("campaignId", "honoree-talks/t11", talk with { CampaignId = "c9" }),
            ("talkId", $"honoree-talks/{new string('t', 65)}", talk),
            ("url", "publicity/p1", item with { Url = "/relative/path" }),
            ("url", "publicity/p2", item with { Url = "ftp://example.org/x" }),
            ("reach", "publicity/p3", item with { Reach = -1 }),
            ("channel", "publicity/p4", item with { Channel = "radio" }),
            ("outlet", "publicity/p5", item with { Outlet = null }),
            ("outlet", "publicity/p6", item with { Outlet = new string('o', 201) }),
            ("publishedOn", "publicity/p7", item with { PublishedOn = new DateOnly(2022, 2, 1) }),
            ("campaignId", "publicity/p8", item with { CampaignId = null }),
            ("itemId", "publicity/p%2F9", item),
            ("itemId", "publicity/p%209", item),
        ];
        foreach (var (field, path, body) in cases)
        {
            await (await client.PutAsync($"/api/branches/b1/{path}", body)).AssertProblemAsync(HttpStatusCode.BadRequest, field);
            if (!field.EndsWith("Id", StringComparison.Ordinal))
                await (await client.GetAsync($"/api/branches/b1/{path}")).AssertProblemAsync(HttpStatusCode.NotFound);
        }
        await (await client.PutAsync("/api/branches/nobody/honoree-talks/t1", talk)).AssertProblemAsync(HttpStatusCode.BadRequest, "branchId");
        await (await client.PutAsync("/api/branches/nobody/publicity/p1", item)).AssertProblemAsync(HttpStatusCode.BadRequest, "branchId");
        await AssertNothingCountedAsync(client);
        foreach (var honoree in new[] { "h1", "h2" })
            Assert.Equal(0, (await app.Service<RollupReplica>().GetHonoreeAsync(honoree, null)).Talks);
    }

    private static async Task AssertNothingCountedAsync(HttpClient client)
    {
        foreach (var totals in await client.TotalsAsync([.. Chain, "440000"]))
            Assert.Equal(TotalsDto.From(Domain.Model.Totals.Zero) with { RegisteredBranches = totals.RegisteredBranches }, totals);
    }

    private static StringContent Raw(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>A JSON body sent chunked, without Content-Length, as a streaming client would.</summary>
    private sealed class NoLengthContent : HttpContent
    {
        private readonly byte[] _bytes;

        public NoLengthContent(string json)
        {
            _bytes = Encoding.UTF8.GetBytes(json);
            Headers.ContentType = new("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
