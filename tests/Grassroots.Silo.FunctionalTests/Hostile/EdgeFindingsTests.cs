using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Grassroots.Silo.Campaigns;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Imports;
using Grassroots.Silo.Records;
using Grassroots.Storage;
using Grassroots.TestSupport;

namespace Grassroots.Silo.FunctionalTests.Hostile;

/// <summary>
/// What a hostile run and a new user found at the HTTP edge (issue 19), each answered where it starts: the OpenAPI
/// document's server, methods, path ids, query parameters, the health operations, Chinese problems and CSV labels.
/// </summary>
public sealed class EdgeFindingsTests
{
    [Fact]
    public async Task TheOpenApiServerUrlDoesNotComeFromTheHostHeader()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/openapi/v1.json");
        request.Headers.Host = "evil.example";

        using var document = JsonDocument.Parse(await (await app.CreateClient().SendAsync(request)).Content.ReadAsStringAsync());

        var servers = document.RootElement.GetProperty("servers").EnumerateArray().Select(s => s.GetProperty("url").GetString()).ToList();
        Assert.Equal(["/"], servers);
        Assert.DoesNotContain("evil.example", document.RootElement.GetRawText());
    }

    [Fact]
    public async Task MethodsAreCaseSensitiveAndALowercasePutStoresNothing()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        await RecordScenario.SeedAsync(app);
        var client = app.CreateClient();
        using var put = new HttpRequestMessage(new HttpMethod("put"), "/api/branches/b1/study-sessions/lower")
        {
            Content = JsonContent(RecordScenario.Session()),
        };

        await (await client.SendAsync(put)).AssertProblemAsync(HttpStatusCode.NotImplemented);

        await (await client.GetAsync("/api/branches/b1/study-sessions/lower")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ATrailingSlashAfterAnIdIsNotThatId()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        await RecordScenario.SeedAsync(app);
        var client = app.CreateClient();

        await (await client.PutAsync("/api/branches/b1/study-sessions/x/", RecordScenario.Session())).AssertProblemAsync(HttpStatusCode.NotFound);

        await (await client.GetAsync("/api/branches/b1/study-sessions/x")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AQueryParameterGivenTwiceIsRefusedNotJoined()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        await RecordScenario.SeedAsync(app);
        var client = app.CreateClient();
        await (await client.PutAsync("/api/branches/b1/study-sessions/s1", RecordScenario.Session())).ReadAsync<StudySessionResponse>(HttpStatusCode.Created);

        await (await client.DeleteAsync("/api/branches/b1/study-sessions/s1?reason=a&reason=b")).AssertProblemAsync(HttpStatusCode.BadRequest, "reason");

        var stored = await (await client.GetAsync("/api/branches/b1/study-sessions/s1")).ReadAsync<StudySessionResponse>(HttpStatusCode.OK);
        Assert.False(stored.Voided);
    }

    [Fact]
    public async Task AVoidReasonThatIsNotUtf8IsRefusedNotStoredLiterally()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        await RecordScenario.SeedAsync(app);
        var client = app.CreateClient();
        await (await client.PutAsync("/api/branches/b1/study-sessions/s1", RecordScenario.Session())).ReadAsync<StudySessionResponse>(HttpStatusCode.Created);

        await (await client.DeleteAsync("/api/branches/b1/study-sessions/s1?reason=%C0%AF%E4%B8")).AssertProblemAsync(HttpStatusCode.BadRequest, "reason");
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/branches/b1/study-sessions/s1?reason=%E5%BD%95%E5%85%A5%E9%94%99%E8%AF%AF")).StatusCode);

        var stored = await (await client.GetAsync("/api/branches/b1/study-sessions/s1")).ReadAsync<StudySessionResponse>(HttpStatusCode.OK);
        Assert.Equal("录入错误", stored.VoidReason);
    }

    [Fact]
    public async Task HealthOperationsNeedNoKeyDocumentTheirAnswersAndNameTheirSchema()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        using var document = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");

        foreach (var path in new[] { "/healthz", "/readyz" })
        {
            var get = paths.GetProperty(path).GetProperty("get");
            Assert.Equal(JsonValueKind.Array, get.GetProperty("security").ValueKind);
            Assert.Equal(0, get.GetProperty("security").GetArrayLength());
            Assert.Equal("#/components/schemas/HealthStatus",
                get.GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        }
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        Assert.DoesNotContain(schemas.EnumerateObject(), s => s.Name.StartsWith("AnonymousType", StringComparison.Ordinal));
        Assert.False(string.IsNullOrEmpty(document.RootElement.GetProperty("info").GetProperty("license").GetProperty("name").GetString()));
        Assert.All(document.RootElement.GetProperty("tags").EnumerateArray(), t => Assert.False(string.IsNullOrEmpty(t.GetProperty("description").GetString())));
    }

    [Fact]
    public async Task AChineseRequestGetsChineseFieldMessagesAndOthersEnglish()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        await RecordScenario.SeedAsync(app);
        var client = app.CreateClient();
        const string body = """{"campaignId":"c 1","title":"学习\u0001","heldOn":"2020-12-04","format":"线下","attendees":{"total":5,"women":9}}""";

        async Task<JsonElement> ErrorsAsync(string? language)
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, "/api/branches/b1/study-sessions/s1") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (language is not null) request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(language));
            var problem = await (await client.SendAsync(request)).AssertProblemAsync(HttpStatusCode.BadRequest, "attendees.women");
            return problem;
        }

        var chinese = await ErrorsAsync("zh-CN");
        Assert.Equal("请求无效。", chinese.GetProperty("title").GetString());
        Assert.Equal("须为以下之一：offline, online, hybrid。", chinese.GetProperty("errors").GetProperty("format")[0].GetString());
        Assert.Equal("不得超过 total（5）。", chinese.GetProperty("errors").GetProperty("attendees.women")[0].GetString());
        Assert.Equal("不得包含 U+0001（控制字符），见第 3 个字符。", chinese.GetProperty("errors").GetProperty("title")[0].GetString());
        Assert.All(chinese.GetProperty("errors").EnumerateObject(), e => Assert.Matches(@"\p{IsCJKUnifiedIdeographs}", e.Value[0].GetString()!));

        var english = await ErrorsAsync(null);
        Assert.Equal("Must be one of: offline, online, hybrid.", english.GetProperty("errors").GetProperty("format")[0].GetString());
        var stillEnglish = await ErrorsAsync("en-US");
        Assert.Equal("The request is invalid.", stillEnglish.GetProperty("title").GetString());
    }

    [Fact]
    public async Task ACsvImportTakesTheChineseLabelOfEveryEnumValue()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        await RecordScenario.SeedAsync(app);
        var client = app.CreateClient();
        var csv = "基层工会编号,记录编号,活动编号,标题,举办日期,形式,类型,参与人次\n" +
            "b1,s1,c1,学习会,2020-12-04,线下,座谈会,45\n" +
            "b1,s2,c1,学习会,2020-12-04,线上线下结合,集中学习,30\n" +
            "b1,s3,c1,学习会,2020-12-04,offline,lecture,10\n";
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");

        var result = await (await client.PostAsync("/api/imports?type=study-sessions", content)).ReadAsync<ImportResult>(HttpStatusCode.OK);

        Assert.True(result.Imported == 3, string.Join("; ", result.Conflicts.Select(c => $"{c.Line} {c.Field}: {c.Message}")));
        var s1 = await (await client.GetAsync("/api/branches/b1/study-sessions/s1")).ReadAsync<StudySessionResponse>(HttpStatusCode.OK);
        var s2 = await (await client.GetAsync("/api/branches/b1/study-sessions/s2")).ReadAsync<StudySessionResponse>(HttpStatusCode.OK);
        Assert.Equal(("offline", "symposium"), (s1.Format, s1.Kind));
        Assert.Equal(("hybrid", "group-study"), (s2.Format, s2.Kind));

        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var format = document.RootElement.GetProperty("paths").GetProperty("/api/imports").GetProperty("post").GetProperty("x-csv-columns")
            .GetProperty("study-sessions").EnumerateArray().Single(c => c.GetProperty("field").GetString() == "format");
        Assert.Contains(format.GetProperty("values").EnumerateArray(), v => v.GetProperty("value").GetString() == "offline" && v.GetProperty("label").GetString() == "线下");
    }

    [Fact]
    public async Task ReadyzWaitsForTheDemoDataAndSaysSoInChinese()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite, settings: new Dictionary<string, string?> { ["Demo:Load"] = "true" });
        var client = app.RawClient();
        var answers = new List<string>();

        await Eventually.TrueAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/readyz");
            request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue("zh-CN"));
            using var response = await client.SendAsync(request);
            answers.Add(response.IsSuccessStatusCode ? "ready" : JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("title").GetString()!);
            return response.IsSuccessStatusCode;
        }, "the service to be ready with its demo data", TimeSpan.FromMinutes(3));

        // Loading takes seconds, the first question came at once: it was answered that the data was loading, never ready before.
        Assert.Equal("演示数据加载中。", answers[0]);
        Assert.Equal(["演示数据加载中。", "ready"], answers.Distinct());
        Assert.True(app.Service<Grassroots.Silo.Hosting.DemoDataLoader>().IsDone);
        await (await app.CreateClient().GetAsync("/api/campaigns/2020-model-workers")).ReadAsync<CampaignDto>(HttpStatusCode.OK);
    }

    private static StringContent JsonContent(object body) =>
        new(JsonSerializer.Serialize(body, RecordScenario.Json), Encoding.UTF8, "application/json");
}
