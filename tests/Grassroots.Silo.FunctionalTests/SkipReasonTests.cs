using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.TestSupport;

namespace Grassroots.Silo.FunctionalTests;

/// <summary>
/// `dotnet test` on a machine without PostgreSQL says why the PostgreSQL tests are skipped (issue 19: it showed bare
/// [SKIP] lines and never the reason). Runs `dotnet test` on this very project, already built, choosing no test.
/// </summary>
public sealed class SkipReasonTests
{
    [Fact]
    public async Task DotnetTestSaysWhyThePostgresTestsAreSkipped()
    {
        var project = Path.Combine(Repository.Root, "tests", "Grassroots.Silo.FunctionalTests", "Grassroots.Silo.FunctionalTests.csproj");
        // A developer's machine: no PostgreSQL configured, not CI; and none of the outer test run's MSBuild settings.
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k is "GRASSROOTS_TEST_POSTGRES" or "CI" || k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
                || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
            .ToDictionary(k => k, string? (_) => null);
        environment["DOTNET_NOLOGO"] = "1";

        var result = await ProcessRunner.RunAsync("dotnet", ["test", project, "--no-build", "--filter", "FullyQualifiedName=No.Such.Test"],
            TimeSpan.FromMinutes(5), Repository.Root, environment);

        Assert.Contains("Grassroots.Silo.FunctionalTests: the PostgreSQL tests are skipped: they need GRASSROOTS_TEST_POSTGRES", result.Output + result.Error);
    }
}
