using System.Text.Json;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;

namespace Grassroots.Silo.FunctionalTests;

/// <summary>The record and rollup endpoints are described in the OpenAPI document clients generate from.</summary>
public sealed class RecordsOpenApiTests
{
    [Fact]
    public async Task OpenApiDocumentDescribesRecordAndRollupEndpoints()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        using var document = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json"));
        var operations = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Where(op => op.Value.ValueKind == JsonValueKind.Object && op.Value.TryGetProperty("operationId", out _))
                .Select(op => (Path: path.Name, Id: op.Value.GetProperty("operationId").GetString())))
            .ToList();
        string[] expected = ["PutStudySession", "GetStudySession", "VoidStudySession", "PutHonoreeTalk", "GetHonoreeTalk", "VoidHonoreeTalk",
            "PutPublicityItem", "GetPublicityItem", "VoidPublicityItem", "PutCompetition", "GetCompetition", "VoidCompetition", "GetRollup", "GetRollupSeries"];
        Assert.All(expected, id => Assert.Contains(operations, op => op.Id == id));
        Assert.Contains(operations, op => op is { Path: "/api/branches/{branchId}/study-sessions/{sessionId}", Id: "PutStudySession" });
        Assert.Contains(operations, op => op is { Path: "/api/rollups/{regionCode}/series", Id: "GetRollupSeries" });
    }
}
