using System.Globalization;
using Grassroots.TestSupport;
using Xunit.Abstractions;

namespace Grassroots.Compose.Tests.Support;

/// <summary>
/// The release before this source, as deploy/Dockerfile makes it with SCHEMA_VERSION: this source without its newest
/// migration, which docs/operations.md's rule makes an expand-only migration added on its own. The rolling-upgrade drill
/// starts the cluster on it and replaces its silos with this source's image. Built like the image of
/// deploy/build-local-images.sh (its build stage under a name of its own, so nothing is left dangling); disposing
/// removes both images.
/// </summary>
public sealed class PreviousRelease : IAsyncDisposable
{
    public const string Image = "grassroots-silo:previous-release", BuildStage = "grassroots-silo-build:previous-release";

    private PreviousRelease(int schemaVersion, TimeSpan took) => (SchemaVersion, Took) = (schemaVersion, took);

    /// <summary>The newest migration the previous release has.</summary>
    public int SchemaVersion { get; }

    /// <summary>The newest migration of this source, the one the previous release lacks.</summary>
    public int NewestMigration => NewestMigrationInSource();

    public TimeSpan Took { get; }

    public static async Task<PreviousRelease> BuildAsync(ITestOutputHelper output)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var schema = NewestMigrationInSource() - 1;
        var environment = new Dictionary<string, string?> { ["DOCKER_BUILDKIT"] = "0" };
        string[] build =
        [
            "build", "--force-rm", "--network", "host", "-f", Path.Combine(ComposeCluster.RepositoryRoot, "deploy", "Dockerfile"),
            "--build-arg", $"SCHEMA_VERSION={schema.ToString(CultureInfo.InvariantCulture)}",
            .. ComposeCluster.UsesLocalImages
                ? new[] { "--build-arg", "SDK_IMAGE=grassroots-sdk:local", "--build-arg", "RUNTIME_IMAGE=grassroots-runtime:local" }
                : [],
        ];
        foreach (var step in new[] { new[] { "--target", "build", "-t", BuildStage }, ["-t", Image] })
            await ProcessRunner.RunCheckedAsync("docker", [.. build, .. step, ComposeCluster.RepositoryRoot], TimeSpan.FromMinutes(15), environment: environment);
        output.WriteLine($"MEASURED: the previous release ({Image}, migrations up to {schema:0000}) built in {clock.Elapsed.TotalSeconds:0} s");
        return new PreviousRelease(schema, clock.Elapsed);
    }

    private static int NewestMigrationInSource() =>
        Directory.GetFiles(Path.Combine(ComposeCluster.RepositoryRoot, "src", "Grassroots.Storage", "Migrations", "Postgres"), "*.sql")
            .Max(f => int.Parse(Path.GetFileName(f)[..4], CultureInfo.InvariantCulture));

    public async ValueTask DisposeAsync() =>
        await ProcessRunner.RunAsync("docker", ["image", "rm", Image, BuildStage], TimeSpan.FromMinutes(2));
}
