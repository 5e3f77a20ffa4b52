using System.Text.Json;

namespace Grassroots.Silo.FunctionalTests.Fuzz;

/// <summary>One operation of the OpenAPI document: method, path template, parameters, body schema and documented answers.</summary>
public sealed record ApiOperation(string Id, string Method, string Path, IReadOnlyList<ApiParameter> Parameters, JsonElement? Body,
    JsonElement Responses)
{
    public static IReadOnlyList<ApiOperation> All(JsonElement document) =>
    [
        .. document.GetProperty("paths").EnumerateObject()
            .Where(path => path.Name.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(op => op.Value.ValueKind == JsonValueKind.Object && op.Value.TryGetProperty("responses", out _))
                .Select(op => new ApiOperation(
                    op.Value.GetProperty("operationId").GetString()!,
                    op.Name.ToUpperInvariant(),
                    path.Name,
                    op.Value.TryGetProperty("parameters", out var ps)
                        ? [.. ps.EnumerateArray().Select(p => new ApiParameter(p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!,
                            p.TryGetProperty("required", out var r) && r.GetBoolean(), p.GetProperty("schema")))]
                        : [],
                    op.Value.TryGetProperty("requestBody", out var body)
                        ? body.GetProperty("content").GetProperty("application/json").GetProperty("schema")
                        : null,
                    op.Value.GetProperty("responses")))),
    ];

    public override string ToString() => $"{Method} {Path} ({Id})";
}

public sealed record ApiParameter(string Name, string In, bool Required, JsonElement Schema);
