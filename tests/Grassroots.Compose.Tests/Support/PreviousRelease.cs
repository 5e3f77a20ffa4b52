using System.Globalization;
using Grassroots.TestSupport;
using Xunit.Abstractions;

namespace Grassroots.Compose.Tests.Support;

/// <summary>
/// The release before this source's newest migration, as it was: the source of the commit before the one that added that
/// migration, taken from version control (so the checkout needs its history) and built as this source's image is, from
/// that commit's own deploy/Dockerfile. The rolling-upgrade drill starts the cluster on it and replaces its silos with
/// this source's image. (It was once this source with the newest migration left out, which is the previous release only
/// while no code uses that migration; the competitions' 0012 is the first the code needs, and this source without it
/// failed its first write.) The image is named by the commit and kept, as deploy/build-local-images.sh keeps the base
/// images: building a release costs minutes on two cores, and it is the same until a newer migration names another
/// commit; images of earlier commits are removed when a new one is built.
/// </summary>
public sealed class PreviousRelease
{
    private const string Repository = "grassroots-silo", MigrationsFolder = "src/Grassroots.Storage/Migrations/Postgres";

    private PreviousRelease(string commit, int schemaVersion) => (Commit, SchemaVersion) = (commit, schemaVersion);

    /// <summary>The commit the previous release is built from.</summary>
    public string Commit { get; }

    public string Image => $"{Repository}:previous-{Commit[..12]}";

    /// <summary>The newest migration the previous release has.</summary>
    public int SchemaVersion { get; }

    /// <summary>The newest migration of this source, the one the previous release lacks.</summary>
    public int NewestMigration => NewestMigrationIn(ComposeCluster.RepositoryRoot);

    public static async Task<PreviousRelease> BuildAsync(ITestOutputHelper output)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var root = ComposeCluster.RepositoryRoot;
        var newest = Path.GetRelativePath(root, Directory.GetFiles(Path.Combine(root, MigrationsFolder), "*.sql").Max(StringComparer.Ordinal)!);
        var added = (await Git(root, "log", "-1", "--format=%H", "--diff-filter=A", "--", newest)).Trim();
        if (added.Length == 0)
            throw new InvalidOperationException($"The drill builds the release before {newest} from version control, and this checkout's history " +
                "does not say which commit added it (a shallow clone, or the migration not committed yet): fetch the history or commit it first.");
        var release = new PreviousRelease((await Git(root, "rev-parse", $"{added}^")).Trim(), NewestMigrationIn(root) - 1);
        if ((await ProcessRunner.RunAsync("docker", ["image", "inspect", release.Image], TimeSpan.FromMinutes(1))).ExitCode == 0)
        {
            output.WriteLine($"MEASURED: the previous release ({release.Image}, migrations up to {release.SchemaVersion:0000}) was built already");
            return release;
        }
        await release.BuildImageAsync(root);
        output.WriteLine($"MEASURED: the previous release ({release.Image}, migrations up to {release.SchemaVersion:0000}) built in {clock.Elapsed.TotalSeconds:0} s");
        return release;
    }

    private async Task BuildImageAsync(string root)
    {
        var source = Path.Combine(Path.GetTempPath(), $"grassroots-previous-release-{Guid.NewGuid():N}");
        Directory.CreateDirectory(source);
        var buildStage = $"{Repository}-build:previous-{Commit[..12]}";
        try
        {
            await ProcessRunner.RunCheckedAsync("bash", ["-c", $"git -C '{root}' archive --format=tar {Commit} | tar -x -C '{source}'"], TimeSpan.FromMinutes(2));
            if (NewestMigrationIn(source) != SchemaVersion)
                throw new InvalidOperationException($"Commit {Commit} has migrations up to {NewestMigrationIn(source):0000}, not {SchemaVersion:0000}.");
            var environment = new Dictionary<string, string?> { ["DOCKER_BUILDKIT"] = "0" };
            string[] build =
            [
                "build", "--force-rm", "--network", "host", "-f", Path.Combine(source, "deploy", "Dockerfile"),
                .. ComposeCluster.UsesLocalImages
                    ? new[] { "--build-arg", "SDK_IMAGE=grassroots-sdk:local", "--build-arg", "RUNTIME_IMAGE=grassroots-runtime:local" }
                    : [],
            ];
            // The build stage under a name of its own while the image is built, so none of its layers is left dangling.
            foreach (var step in new[] { new[] { "--target", "build", "-t", buildStage }, ["-t", Image] })
                await ProcessRunner.RunCheckedAsync("docker", [.. build, .. step, source], TimeSpan.FromMinutes(15), environment: environment);
        }
        finally
        {
            Directory.Delete(source, recursive: true);
            await ProcessRunner.RunAsync("docker", ["image", "rm", buildStage], TimeSpan.FromMinutes(2));
        }
        var older = (await ProcessRunner.RunCheckedAsync("docker", ["image", "ls", "--format", "{{.Repository}}:{{.Tag}}", Repository], TimeSpan.FromMinutes(1)))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(image => image.StartsWith($"{Repository}:previous-", StringComparison.Ordinal) && image != Image).ToArray();
        if (older.Length > 0) await ProcessRunner.RunAsync("docker", ["image", "rm", .. older], TimeSpan.FromMinutes(2));
    }

    private static Task<string> Git(string root, params string[] arguments) =>
        ProcessRunner.RunCheckedAsync("git", ["-C", root, .. arguments], TimeSpan.FromMinutes(1));

    private static int NewestMigrationIn(string root) =>
        Directory.GetFiles(Path.Combine(root, MigrationsFolder), "*.sql").Max(f => int.Parse(Path.GetFileName(f)[..4], CultureInfo.InvariantCulture));
}
