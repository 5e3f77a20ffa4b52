using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests.Hostile;

/// <summary>
/// The findings of issue 11, each on both databases: text that PostgreSQL refuses or that misleads readers, ids with a
/// trailing newline, duplicate JSON keys, empty and null bodies, numbers as strings. Each is a 400 naming the field,
/// and nothing is stored. World: <see cref="RecordScenario.SeedAsync"/>.
/// </summary>
public sealed class HostileInputTests
{
    /// <summary>What no text field may hold; the last two are only refused in single-line fields.</summary>
    public static readonly string[] Forbidden = ["a\u0000b", "a\u0001b", "a\u007Fb", "a\u0085b", "a\uFFFFb", "a\uFDD0b", "a\u202Eb", "a\u2067b", "a\U0001FFFEb"];

    public static readonly string[] LineBreaks = ["a\nb", "a\tb", "a\r\nb"];

    /// <summary>Every text field of every body: (path, valid body, field).</summary>
    private static IEnumerable<(string Path, JsonObject Body, string Field)> TextFields()
    {
        JsonObject Session() => Json(RecordScenario.Session());
        JsonObject Talk() => Json(RecordScenario.Talk());
        JsonObject Publicity() => Json(RecordScenario.Publicity());
        JsonObject Campaign() => new() { ["title"] = "学习", ["startsOn"] = "2020-11-24", ["description"] = "说明" };
        JsonObject Branch() => new() { ["name"] = "工会", ["regionCode"] = "630102", ["sector"] = "制造业", ["memberCount"] = 10 };
        JsonObject Honoree() => new() { ["name"] = "劳模", ["title"] = "other", ["ethnicity"] = "汉族", ["employer"] = "单位", ["provinceCode"] = "630000" };
        JsonObject Key() => new() { ["role"] = "branch", ["scope"] = "b1", ["label"] = "钥匙" };
        yield return ("/api/campaigns/cx", Campaign(), "title");
        yield return ("/api/campaigns/cx", Campaign(), "description");
        yield return ("/api/branches/bx", Branch(), "name");
        yield return ("/api/branches/bx", Branch(), "sector");
        yield return ("/api/honorees/hx", Honoree(), "name");
        yield return ("/api/honorees/hx", Honoree(), "ethnicity");
        yield return ("/api/honorees/hx", Honoree(), "employer");
        yield return ("/api/branches/b1/study-sessions/sx", Session(), "title");
        yield return ("/api/branches/b1/study-sessions/sx", Session(), "notes");
        yield return ("/api/branches/b1/honoree-talks/tx", Talk(), "title");
        yield return ("/api/branches/b1/publicity/px", Publicity(), "outlet");
        yield return ("/api/branches/b1/publicity/px", Publicity(), "title");
        yield return ("/api/branches/b1/publicity/px", Publicity(), "url");
        yield return ("/api/keys", Key(), "label");
    }

    private static readonly HashSet<string> MultiLine = ["description", "notes"];

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task ForbiddenCharactersInAnyTextFieldAreRefusedNamingTheFieldAndNothingIsStored(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();

        foreach (var (path, body, field) in TextFields())
        foreach (var value in Forbidden.Concat(MultiLine.Contains(field) ? [] : LineBreaks))
        {
            body[field] = field == "url" ? "https://example.org/" + value : value;
            var response = await Send(client, path, body);
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, field);
            Assert.Contains("Must not contain U+", problem.GetProperty("errors").GetProperty(field)[0].GetString());
            if (path != "/api/keys") await (await client.GetAsync(path)).AssertProblemAsync(HttpStatusCode.NotFound);
        }
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task MultiLineFieldsKeepTabsAndLineBreaks(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        const string notes = "第一行\r\n第二行\n\t缩进";

        var session = await (await client.PutAsync("/api/branches/b1/study-sessions/s1", RecordScenario.Session() with { Notes = notes }))
            .ReadAsync<Silo.Records.StudySessionResponse>(HttpStatusCode.Created);
        var campaign = await client.PutAsJsonAsync("/api/campaigns/c9", new { title = "学习", startsOn = "2020-11-24", description = notes });

        Assert.Equal(notes, session.Notes);
        Assert.Equal(notes, (await campaign.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("description").GetString());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task ForbiddenCharactersInTheVoidReasonAreRefused(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        const string path = "/api/branches/b1/study-sessions/s1";
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(path, RecordScenario.Session())).StatusCode);

        foreach (var reason in Forbidden.Concat(LineBreaks))
            await (await client.DeleteAsync($"{path}?reason={Uri.EscapeDataString(reason)}")).AssertProblemAsync(HttpStatusCode.BadRequest, "reason");

        Assert.False((await client.GetFromJsonAsync<JsonElement>(path)).GetProperty("voided").GetBoolean());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task IdsWithATrailingNewlineAreRefusedWherever(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        var branch = new { name = "工会", regionCode = "630102", memberCount = 10 };

        await (await client.PutAsync("/api/branches/x%0A", branch)).AssertProblemAsync(HttpStatusCode.BadRequest, "branchId");
        await (await client.GetAsync("/api/branches/x")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.PutAsync("/api/campaigns/c%0A", new { title = "t", startsOn = "2020-11-24" })).AssertProblemAsync(HttpStatusCode.BadRequest, "campaignId");
        await (await client.PutAsync("/api/honorees/h%0A", new { name = "n", title = "other", provinceCode = "630000" })).AssertProblemAsync(HttpStatusCode.BadRequest, "honoreeId");
        await (await client.PutAsync("/api/branches/b1%0A/study-sessions/s1", RecordScenario.Session())).AssertProblemAsync(HttpStatusCode.BadRequest, "branchId");
        await (await client.PutAsync("/api/branches/b1/study-sessions/s1%0A", RecordScenario.Session())).AssertProblemAsync(HttpStatusCode.BadRequest, "sessionId");
        await (await client.PutAsync("/api/branches/b1/honoree-talks/t1%0A", RecordScenario.Talk())).AssertProblemAsync(HttpStatusCode.BadRequest, "talkId");
        await (await client.PutAsync("/api/branches/b1/publicity/p1%0A", RecordScenario.Publicity())).AssertProblemAsync(HttpStatusCode.BadRequest, "itemId");
        await (await client.PutAsync("/api/branches/b1/study-sessions/s2", RecordScenario.Session(campaignId: "c1\n"))).AssertProblemAsync(HttpStatusCode.BadRequest, "campaignId");
        await (await client.PutAsync("/api/branches/b1/honoree-talks/t2", RecordScenario.Talk(200, "h1\n"))).AssertProblemAsync(HttpStatusCode.BadRequest, "honoreeIds[0]");
        await (await client.GetAsync("/api/rollups/CN?campaignId=c1%0A")).AssertProblemAsync(HttpStatusCode.BadRequest, "campaignId");
        await (await client.GetAsync("/api/branches/b1?campaignId=c1%0A")).AssertProblemAsync(HttpStatusCode.BadRequest, "campaignId");
        await (await client.PostAsJsonAsync("/api/keys", new { role = "branch", scope = "b1\n", label = "x" })).AssertProblemAsync(HttpStatusCode.BadRequest, "scope");
        await (await client.DeleteAsync("/api/keys/k%0A")).AssertProblemAsync(HttpStatusCode.BadRequest, "keyId");

        foreach (var path in new[] { "/api/campaigns/c", "/api/honorees/h", "/api/branches/b1/study-sessions/s1", "/api/branches/b1/study-sessions/s2" })
            await (await client.GetAsync(path)).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task DuplicateJsonPropertiesAreRefusedAndNothingIsStored(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        const string twice = """
            {"campaignId":"c1","title":"t","heldOn":"2020-12-04","format":"offline",
             "attendees":{"total":10},"attendees":{"total":999}}
            """;
        const string caseVariant = """{"name":"a","Name":"b","regionCode":"630102","memberCount":1}""";

        var problem = await (await client.PutAsync("/api/branches/b1/study-sessions/s1", Raw(twice))).AssertProblemAsync(HttpStatusCode.BadRequest, "attendees");
        await (await client.PutAsync("/api/branches/bx", Raw(caseVariant))).AssertProblemAsync(HttpStatusCode.BadRequest, "Name");
        await (await client.PutAsync("/api/branches/bx", Raw("""{"name":"a","regionCode":"630102","memberCount":1,"memberCount":2}""")))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "memberCount");

        Assert.Contains("more than once", problem.GetProperty("errors").GetProperty("attendees")[0].GetString());
        await (await client.GetAsync("/api/branches/b1/study-sessions/s1")).AssertProblemAsync(HttpStatusCode.NotFound);
        await (await client.GetAsync("/api/branches/bx")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task EmptyAndNullBodiesGetAPlainProblemNamingTheBody(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        (HttpMethod Method, string Path)[] endpoints =
        [
            (HttpMethod.Put, "/api/campaigns/cx"), (HttpMethod.Put, "/api/branches/bx"), (HttpMethod.Put, "/api/honorees/hx"),
            (HttpMethod.Put, "/api/branches/b1/study-sessions/s1"), (HttpMethod.Put, "/api/branches/b1/honoree-talks/t1"),
            (HttpMethod.Put, "/api/branches/b1/publicity/p1"), (HttpMethod.Post, "/api/keys"),
        ];

        foreach (var (method, path) in endpoints)
        foreach (var body in new[] { "", "null", " null " })
        {
            var response = await client.SendAsync(new HttpRequestMessage(method, path) { Content = Raw(body) });
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "body");
            Assert.Equal("A JSON object is required.", problem.GetProperty("errors").GetProperty("body")[0].GetString());
            Assert.DoesNotContain("Implicit", problem.ToString());
        }
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task NumbersMustBeJsonNumbers(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();

        await (await client.PutAsync("/api/branches/bx", Raw("""{"name":"a","regionCode":"630102","memberCount":"12"}""")))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "memberCount");

        await (await client.GetAsync("/api/branches/bx")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    private static JsonObject Json(object value) => JsonSerializer.SerializeToNode(value, RecordScenario.Json)!.AsObject();

    private static StringContent Raw(string body) => new(body, Encoding.UTF8, "application/json");

    private static Task<HttpResponseMessage> Send(HttpClient client, string path, JsonObject body) =>
        path == "/api/keys" ? client.PostAsync(path, Raw(body.ToJsonString())) : client.PutAsync(path, Raw(body.ToJsonString()));
}
