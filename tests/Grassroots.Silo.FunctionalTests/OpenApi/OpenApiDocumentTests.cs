using System.Net;
using System.Text.Json;
using Grassroots.Silo.Apis;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Imports;
using Grassroots.Silo.Records;
using Grassroots.Silo.Rollups;
using Grassroots.Storage;

namespace Grassroots.Silo.FunctionalTests.OpenApi;

/// <summary>The OpenAPI document states what the service accepts and answers, from the same rules and lists the endpoints use.</summary>
public sealed class OpenApiDocumentTests
{
    [Fact]
    public async Task TheDocumentTellsTheTruthAboutKeysFieldsAndAnswers()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        using var document = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json"));
        var root = document.RootElement;
        var schemas = root.GetProperty("components").GetProperty("schemas");

        // The bearer key, required on every /api operation and on no other (those say so: security: []).
        var bearer = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer");
        Assert.Equal(("http", "bearer"), (bearer.GetProperty("type").GetString(), bearer.GetProperty("scheme").GetString()));
        foreach (var (path, method, operation) in Operations(root))
            Assert.Equal(path.StartsWith("/api/", StringComparison.Ordinal), operation.GetProperty("security").GetArrayLength() > 0);

        // Required fields are required and never null; optional ones are not required.
        var session = schemas.GetProperty("StudySessionRequest");
        Assert.Equal(["attendees", "campaignId", "format", "heldOn", "title"], Strings(session.GetProperty("required")).Order(StringComparer.Ordinal));
        var properties = session.GetProperty("properties");
        Assert.Equal("string", properties.GetProperty("title").GetProperty("type").GetString());
        Assert.Equal(200, properties.GetProperty("title").GetProperty("maxLength").GetInt32());
        Assert.Equal(TextPolicy.Pattern(multiLine: false), properties.GetProperty("title").GetProperty("pattern").GetString());
        Assert.Equal(TextPolicy.Pattern(multiLine: true), properties.GetProperty("notes").GetProperty("pattern").GetString());
        Assert.Equal(StudySessionsApi.Formats, Strings(properties.GetProperty("format").GetProperty("enum")));
        Assert.Equal(Grassroots.Silo.Apis.IdAttribute.Pattern, properties.GetProperty("campaignId").GetProperty("pattern").GetString());
        Assert.Equal("#/components/schemas/AttendeesRequest", properties.GetProperty("attendees").GetProperty("$ref").GetString());
        var total = schemas.GetProperty("AttendeesRequest").GetProperty("properties").GetProperty("total");
        Assert.Equal(("integer", 0, CountAttribute.Max), (total.GetProperty("type").GetString(), total.GetProperty("minimum").GetInt32(),
            total.GetProperty("maximum").GetInt32()));
        Assert.Equal(["total"], Strings(schemas.GetProperty("AttendeesRequest").GetProperty("required")));
        Assert.Equal(("date", "Not before 2000-01-01."), (properties.GetProperty("heldOn").GetProperty("format").GetString(),
            properties.GetProperty("heldOn").GetProperty("description").GetString()));
        Assert.Equal("Not before 2000-01-01. Not before startsOn.",
            schemas.GetProperty("CampaignRequest").GetProperty("properties").GetProperty("endsOn").GetProperty("description").GetString());

        // Integers are integers (not "integer or string"), in requests and answers alike.
        Assert.DoesNotContain("\"string\",\"integer\"", root.GetRawText().Replace(" ", "").Replace("\n", ""));
        Assert.DoesNotContain("\"integer\",\"string\"", root.GetRawText().Replace(" ", "").Replace("\n", ""));

        // Path ids carry the id rule; every error the service gives is listed with a problem-details schema.
        var put = Operation(root, "/api/branches/{branchId}/study-sessions/{sessionId}", "put");
        Assert.All(put.GetProperty("parameters").EnumerateArray(), p => Assert.Equal(Grassroots.Silo.Apis.IdAttribute.Pattern, p.GetProperty("schema").GetProperty("pattern").GetString()));
        Assert.True(put.GetProperty("requestBody").GetProperty("required").GetBoolean());
        foreach (var status in new[] { "200", "201", "400", "401", "403", "409", "413", "414", "415", "503" })
            Assert.True(put.GetProperty("responses").TryGetProperty(status, out _), $"PUT study session lacks {status}");
        var get = Operation(root, "/api/branches/{branchId}/study-sessions/{sessionId}", "get");
        Assert.True(get.GetProperty("responses").TryGetProperty("404", out var notFound));
        Assert.Equal("#/components/schemas/ProblemDetails",
            notFound.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString());
        var reason = Operation(root, "/api/branches/{branchId}/study-sessions/{sessionId}", "delete").GetProperty("parameters")
            .EnumerateArray().Single(p => p.GetProperty("name").GetString() == "reason");
        Assert.True(reason.GetProperty("required").GetBoolean());
        var interval = Operation(root, "/api/rollups/{regionCode}/series", "get").GetProperty("parameters")
            .EnumerateArray().Single(p => p.GetProperty("name").GetString() == "interval");
        Assert.Equal(RollupsApi.IntervalNames, Strings(interval.GetProperty("schema").GetProperty("enum")));
    }

    [Fact]
    public async Task TheDocumentCarriesTheRulesAndColumnsJsonSchemaCannotSay()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        using var document = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json"));
        var root = document.RootElement;

        // A part of the attendance is not above its total: said once, on the field rule, for the validator and the document.
        var attendees = root.GetProperty("components").GetProperty("schemas").GetProperty("AttendeesRequest").GetProperty("properties");
        foreach (var part in new[] { "frontline", "youth", "women" })
            Assert.Equal("total", attendees.GetProperty(part).GetProperty("x-not-above").GetString());
        Assert.False(attendees.GetProperty("total").TryGetProperty("x-not-above", out _));

        // The CSV columns each import type reads, with the Chinese headers the reader accepts (the dashboard's templates).
        var columns = Operation(root, "/api/imports", "post").GetProperty("x-csv-columns");
        foreach (var kind in ImportKinds.All)
        {
            var listed = columns.GetProperty(kind.Type).EnumerateArray().ToArray();
            Assert.Equal(kind.Columns.Select(c => c.Field), listed.Select(c => c.GetProperty("field").GetString()));
            Assert.Equal(kind.Columns.Select(c => c.Headers), listed.Select(c => (IReadOnlyList<string>)Strings(c.GetProperty("headers"))));
            Assert.Equal(kind.Columns.Select(c => c.Required), listed.Select(c => c.GetProperty("required").GetBoolean()));
        }
        var sessionHeaders = columns.GetProperty("study-sessions").EnumerateArray().Select(c => c.GetProperty("headers")[1].GetString());
        Assert.Contains("参与人次", sessionHeaders);
    }

    [Fact]
    public async Task TheApiReferencePageIsServedFromTheDocument()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        var anonymous = app.ClientWith(null);

        var page = await anonymous.GetAsync("/reference/");
        var script = await anonymous.GetAsync("/reference/scalar.js");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Grassroots API reference", html);
        Assert.Contains("openapi/v1.json", html);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
    }

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonElement root) =>
        root.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Where(op => op.Value.ValueKind == JsonValueKind.Object && op.Value.TryGetProperty("responses", out _))
            .Select(op => (path.Name, op.Name, op.Value)));

    private static JsonElement Operation(JsonElement root, string path, string method) => root.GetProperty("paths").GetProperty(path).GetProperty(method);

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!)];
}
