using System.Text.Json;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Grassroots.TestSupport;

namespace Grassroots.Silo.FunctionalTests.OpenApi;

/// <summary>
/// The OpenAPI document the service serves is clean under Redocly's recommended rules (redocly.yaml at the repository's
/// root): no error and no warning. Redocly CLI comes from npm; .ci/run installs it into a cache folder and names it in
/// GRASSROOTS_REDOCLY.
/// </summary>
public sealed class RedoclyLintTests
{
    [RedoclyFact]
    public async Task TheServedDocumentHasNoErrorOrWarningUnderTheRecommendedRules()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        var directory = Directory.CreateTempSubdirectory("grassroots-openapi-");
        try
        {
            var document = Path.Combine(directory.FullName, "v1.json");
            await File.WriteAllTextAsync(document, await app.CreateClient().GetStringAsync("/openapi/v1.json"));
            var result = await ProcessRunner.RunAsync(Redocly.Path,
                ["lint", "--config", Path.Combine(Repository.Root, "redocly.yaml"), "--format", "json", document], TimeSpan.FromMinutes(3),
                directory.FullName, new Dictionary<string, string?> { ["REDOCLY_TELEMETRY"] = "off", ["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true" });

            var start = result.Output.IndexOf('{', StringComparison.Ordinal);
            Assert.True(start >= 0, $"redocly exited with {result.ExitCode} and no report:\n{result.Error}\n{result.Output}");
            using var report = JsonDocument.Parse(result.Output[start..]);
            var problems = report.RootElement.GetProperty("problems").EnumerateArray()
                .Select(p => $"{p.GetProperty("severity").GetString()} {p.GetProperty("ruleId").GetString()} at " +
                    $"{p.GetProperty("location")[0].GetProperty("pointer").GetString()}: {p.GetProperty("message").GetString()}").ToList();
            Assert.True(problems.Count == 0, string.Join("\n", problems));
            var totals = report.RootElement.GetProperty("totals");
            Assert.Equal((0, 0), (totals.GetProperty("errors").GetInt32(), totals.GetProperty("warnings").GetInt32()));
            Assert.Equal(0, result.ExitCode);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

/// <summary>
/// Redocly CLI (npm @redocly/cli): GRASSROOTS_REDOCLY, or where .ci/run installs it. Without it the lint is skipped on a
/// developer's machine and fails in CI.
/// </summary>
public static class Redocly
{
    public const string Version = "2.77.0";

    public static string Path => Environment.GetEnvironmentVariable("GRASSROOTS_REDOCLY") is { Length: > 0 } path ? path
        : System.IO.Path.Combine(CacheFolder, "node_modules", ".bin", "redocly");

    /// <summary>The folder .ci/run installs it into: $XDG_CACHE_HOME (or ~/.cache)/grassroots/redocly-cli-VERSION.</summary>
    public static string CacheFolder => System.IO.Path.Combine(
        Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } cache ? cache
            : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
        "grassroots", $"redocly-cli-{Version}");

    private static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? SkipReason => File.Exists(Path) || InCi
        ? null
        : $"The OpenAPI lint needs Redocly CLI at {Path} (npm install --prefix {CacheFolder} @redocly/cli@{Version}; .ci/run does).";
}

/// <summary>A test that runs Redocly CLI; see <see cref="Redocly.SkipReason"/>.</summary>
public sealed class RedoclyFactAttribute : FactAttribute
{
    public RedoclyFactAttribute() => Skip = Redocly.SkipReason;
}
