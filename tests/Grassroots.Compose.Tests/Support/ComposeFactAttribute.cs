using Grassroots.Dashboard.Tests.Support;
using Grassroots.TestSupport;

namespace Grassroots.Compose.Tests.Support;

/// <summary>
/// A test of the docker-compose stack. It needs a Docker engine, docker-compose, the images and Chromium: skipped, with
/// the reason, on a developer's machine without them; never skipped in CI (CI=true), where .ci/run starts dockerd and
/// builds the images, so a missing engine fails the test and says why.
/// </summary>
public sealed class ComposeFactAttribute : FactAttribute
{
    public ComposeFactAttribute() => Skip = SkipReason.Value;

    private static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    private static readonly Lazy<string?> SkipReason = new(() =>
    {
        if (InCi) return null;
        if (Docker.Unreachable() is { } why) return $"The compose test needs a Docker engine: {why} (start dockerd; .ci/run does).";
        if (ComposeCluster.UsesLocalImages && Docker.MissingLocalImages() is { Length: > 0 } missing)
            return $"The compose test runs the local images, and {string.Join(", ", missing)} are missing: run deploy/build-local-images.sh " +
                "(or set GRASSROOTS_COMPOSE_IMAGES=official where a registry is reachable).";
        return Chromium.SkipReason;
    });
}

/// <summary>The Docker engine as the docker CLI finds it (DOCKER_HOST, else the default socket).</summary>
public static class Docker
{
    /// <summary>Why no engine answers, or null when one does.</summary>
    public static string? Unreachable()
    {
        try
        {
            var (exit, output) = Run("docker", "info", "--format", "{{.ServerVersion}}");
            return exit == 0 ? null : "`docker info` failed: " + output.Trim();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "the docker command is not installed";
        }
    }

    public static string[] MissingLocalImages() =>
        [.. ComposeCluster.LocalImages.Where(image => Run("docker", "image", "inspect", image).ExitCode != 0)];

    private static (int ExitCode, string Output) Run(string program, params string[] args)
    {
        try
        {
            var result = ProcessRunner.RunAsync(program, args, TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
            return (result.ExitCode, result.Output + result.Error);
        }
        catch (TimeoutException)
        {
            return (-1, $"{program} {string.Join(' ', args)} did not answer within 30 s");
        }
    }
}
