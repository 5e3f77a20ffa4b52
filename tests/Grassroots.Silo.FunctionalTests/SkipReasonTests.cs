using System.Diagnostics;
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
        var run = new ProcessStartInfo("dotnet") { WorkingDirectory = Repository.Root };
        foreach (var arg in new[] { "test", project, "--no-build", "--filter", "FullyQualifiedName=No.Such.Test" })
            run.ArgumentList.Add(arg);
        // A developer's machine: no PostgreSQL configured, not CI; and none of the outer test run's MSBuild settings.
        foreach (var name in run.Environment.Keys.Where(k => k is "GRASSROOTS_TEST_POSTGRES" or "CI" || k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)
            || k.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase)).ToList())
            run.Environment.Remove(name);
        run.Environment["DOTNET_NOLOGO"] = "1";

        var result = await ServiceProcess.RunToEndAsync(run, TimeSpan.FromMinutes(5));

        Assert.Contains("Grassroots.Silo.FunctionalTests: the PostgreSQL tests are skipped: they need GRASSROOTS_TEST_POSTGRES", result.Output + result.Error);
    }
}
