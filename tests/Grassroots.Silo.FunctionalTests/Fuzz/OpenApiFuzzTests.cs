using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CsCheck;
using Grassroots.Domain.Reconciliation;
using Grassroots.Silo.Apis;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Security;
using Grassroots.Storage;
using Grassroots.TestSupport;
using Xunit.Abstractions;

namespace Grassroots.Silo.FunctionalTests.Fuzz;

/// <summary>
/// Property-based fuzzing driven by the service's own OpenAPI document: for every /api operation, thousands of valid
/// and broken requests (see <see cref="RequestGenerator"/>). Whatever is sent: never a 5xx; every 4xx is problem
/// details; every status is one the document lists for the operation and every JSON answer conforms to its schema; a
/// broken request is never accepted. POST /api/imports is sent Excel workbooks too, made and broken as offices make and
/// break them (RequestGenerator.Workbooks.cs). Afterwards every rollup equals a recount of the facts, nothing stored holds text
/// the policy forbids, and nothing exists where only broken requests were sent. GRASSROOTS_FUZZ_REQUESTS sets the
/// requests per operation (default 1,500, which keeps the whole CI run inside its 30 minutes).
/// </summary>
public sealed class OpenApiFuzzTests(ITestOutputHelper output)
{
    public const string RequestsVariable = "GRASSROOTS_FUZZ_REQUESTS";

    private static int RequestsPerOperation =>
        int.TryParse(Environment.GetEnvironmentVariable(RequestsVariable), out var n) && n > 0 ? n : 1_500;

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task NoRequestTheDocumentDescribesOrBreaksGetsA5xxAndEveryAnswerConformsToIt(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await RecordScenario.SeedAsync(app);
        var hq = app.CreateClient();
        var keys = new Dictionary<Caller, string?>
        {
            [Caller.Hq] = app.HqKey,
            [Caller.None] = null,
            [Caller.Unknown] = "gr_unknownkey_" + new string('x', 40),
            [Caller.Branch] = await IssueAsync(hq, "branch", "b1"),
            [Caller.RegionAdmin] = await IssueAsync(hq, "region-admin", "630000"),
        };
        var clients = keys.ToDictionary(k => k.Key, k => app.ClientWith(k.Value));
        using var document = JsonDocument.Parse(await hq.GetStringAsync("/openapi/v1.json"));
        var schemas = new SchemaChecker(document.RootElement);
        var revocable = new List<string>();
        for (var i = 0; i < 20; i++)
            revocable.Add((await (await hq.PostAsJsonAsync("/api/keys", new { role = "branch", scope = "b2", label = $"revocable {i}" }))
                .ReadAsync<IssuedKeyDto>(HttpStatusCode.Created)).KeyId);
        var generator = new RequestGenerator(schemas, revocable);
        var operations = ApiOperation.All(document.RootElement);
        Assert.True(operations.Count >= 20, $"Only {operations.Count} operations in the document");

        var statuses = new ConcurrentDictionary<(string Operation, int Status), int>();
        var stored = new ConcurrentDictionary<string, byte>();
        var fresh = new ConcurrentBag<string>();
        var jobs = new ConcurrentBag<string>();
        var clock = Stopwatch.StartNew();
        // All operations interleaved, two at a time, so that voids meet corrections, revocations meet requests, and so on.
        await Gen.OneOf([.. operations.Select(generator.For)]).SampleAsync(async request =>
        {
            var (status, body) = await SendAsync(clients[request.Caller], request);
            statuses.AddOrUpdate((request.Bytes is null ? request.Operation.Id : $"{request.Operation.Id} (xlsx)", status), 1, (_, n) => n + 1);
            Verify(schemas, request, status, body);
            if (request.FreshPath is { } path) fresh.Add(path);
            if (status is 200 or 201 && request.Operation.Method == "PUT") stored.TryAdd(request.Url.Split('?')[0], 0);
            if (status == 202 && request.Operation.Id == "PostImport") jobs.Add(JsonDocument.Parse(body.Text).RootElement.GetProperty("importId").GetString()!);
        }, iter: RequestsPerOperation * operations.Count, threads: 2, print: r => r.ToString());
        var sent = statuses.Values.Sum();
        output.WriteLine($"{provider}: {sent:N0} requests over {operations.Count} operations in {clock.Elapsed.TotalSeconds:N0} s");
        foreach (var group in statuses.GroupBy(s => s.Key.Operation).OrderBy(g => g.Key, StringComparer.Ordinal))
            output.WriteLine($"  {group.Key,-22} {string.Join("  ", group.OrderBy(s => s.Key.Status).Select(s => $"{s.Key.Status}×{s.Value}"))}");
        Assert.Contains(statuses, s => s.Key.Status is 200 or 201 && s.Key.Operation == "PutStudySession");
        // The sign-off steps and the audit trail were reached past their checks, not only refused (each is drawn ~2,000 times).
        foreach (var operation in new[] { "ListPeriods", "GetPeriod", "SubmitPeriod", "ApprovePeriod", "ReturnPeriod", "ReopenPeriod", "GetAudit", "GetAuditCsv" })
            Assert.Contains(statuses, s => s.Key.Status == 200 && s.Key.Operation == operation);
        // Workbooks were read to their rows, and refused.
        Assert.Contains(statuses, s => s.Key.Status == 200 && s.Key.Operation == "PostImport (xlsx)");
        Assert.Contains(statuses, s => s.Key.Status == 400 && s.Key.Operation == "PostImport (xlsx)");

        // Import jobs finish what they were given before the facts are recounted.
        foreach (var job in jobs)
        {
            var waited = Stopwatch.StartNew();
            while ((await hq.GetFromJsonAsync<JsonElement>($"/api/imports/{job}")).GetProperty("state").GetString() is "queued" or "running")
            {
                Assert.True(waited.Elapsed < TimeSpan.FromSeconds(60), $"import job {job} did not finish");
                await Task.Delay(50);
            }
        }

        // Every rollup equals a recount of the facts.
        Assert.Empty(await app.Service<Reconciler>().CompareAsync());

        // What was stored holds no forbidden text; nothing exists where only broken requests went.
        foreach (var path in stored.Keys)
        {
            var response = await hq.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}");
            AssertStoredTextIsAllowed(path, await response.Content.ReadFromJsonAsync<JsonElement>());
        }
        var campaigns = await hq.GetFromJsonAsync<JsonElement>("/api/campaigns");
        AssertStoredTextIsAllowed("/api/campaigns", campaigns);
        foreach (var path in fresh.Distinct())
            Assert.True((await hq.GetAsync(path)).StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden,
                $"{path} exists though only broken requests were sent there");
        output.WriteLine($"  {stored.Count} stored entities read back, {fresh.Count} broken PUTs to fresh ids found absent");
    }

    private static async Task<(int Status, (string? MediaType, string Text) Body)> SendAsync(HttpClient client, FuzzRequest request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Operation.Method), request.Url);
        if (request.Bytes is not null)
            message.Content = new ByteArrayContent(request.Bytes) { Headers = { ContentType = MediaTypeHeaderValue.Parse(request.ContentType!) } };
        else if (request.Body is not null)
            message.Content = new StringContent(request.Body, Encoding.UTF8, request.ContentType ?? "application/json")
                { Headers = { ContentType = MediaTypeHeaderValue.Parse(request.ContentType ?? "application/json") } };
        using var response = await client.SendAsync(message);
        return ((int)response.StatusCode, (response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync()));
    }

    private static void Verify(SchemaChecker schemas, FuzzRequest request, int status, (string? MediaType, string Text) body)
    {
        string Context() => $"{request}\n  → {status} {body.MediaType}: {SchemaChecker.Printable(body.Text)}";
        Assert.True(status < 500, $"5xx: {Context()}");
        if (status >= 400) Assert.True(body.MediaType == "application/problem+json", $"4xx without problem details: {Context()}");
        Assert.True(request.Broken is null || status >= 400 || RefusedRows(request, status, body.Text), $"a broken request was accepted: {Context()}");
        Assert.True(request.Operation.Responses.TryGetProperty(status.ToString(System.Globalization.CultureInfo.InvariantCulture), out var documented),
            $"status not in the document: {Context()}");
        if (!documented.TryGetProperty("content", out var content))
        {
            Assert.True(body.Text.Length == 0, $"a body where the document says none: {Context()}");
            return;
        }
        var media = body.MediaType is null ? default : content.EnumerateObject().FirstOrDefault(c => c.Name == body.MediaType).Value;
        Assert.True(media.ValueKind == JsonValueKind.Object, $"undocumented content type: {Context()}");
        if (body.MediaType is not ("application/json" or "application/problem+json")) return; // a CSV report: text, not JSON
        using var json = JsonDocument.Parse(body.Text);
        var problems = schemas.Check(json.RootElement, media.GetProperty("schema"));
        Assert.True(problems.Count == 0, $"answer does not conform: {string.Join("; ", problems)}\n{Context()}");
        if (status >= 400) Assert.Equal(status, json.RootElement.GetProperty("status").GetInt32());
    }

    /// <summary>
    /// An import takes the rows it can and reports the others, so a broken row is refused when the answer counts it
    /// rejected; an import job (202) reports its rows when it has read them.
    /// </summary>
    private static bool RefusedRows(FuzzRequest request, int status, string body) => request.Operation.Id == "PostImport"
        && (status == 202 || (status == 200 && JsonDocument.Parse(body).RootElement.GetProperty("rejected").GetInt64() > 0));

    /// <summary>Every string of a stored entity passes the text policy (ids, codes and dates pass it trivially).</summary>
    private static void AssertStoredTextIsAllowed(string path, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Value.ValueKind == JsonValueKind.String && property.Name is not ("notes" or "description"))
                        Assert.True(TextPolicy.Problem(property.Value.GetString()!, multiLine: false) is null,
                            $"{path} stores {property.Name} = \"{SchemaChecker.Printable(property.Value.GetString()!)}\"");
                    AssertStoredTextIsAllowed(path, property.Value);
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray()) AssertStoredTextIsAllowed(path, item);
                break;
            case JsonValueKind.String:
                Assert.True(TextPolicy.Problem(element.GetString()!, multiLine: true) is null, $"{path} stores \"{SchemaChecker.Printable(element.GetString()!)}\"");
                break;
        }
    }

    private static async Task<string> IssueAsync(HttpClient hq, string role, string scope) =>
        (await (await hq.PostAsJsonAsync("/api/keys", new { role, scope, label = $"fuzz {role}" })).ReadAsync<IssuedKeyDto>(HttpStatusCode.Created)).Key;
}
