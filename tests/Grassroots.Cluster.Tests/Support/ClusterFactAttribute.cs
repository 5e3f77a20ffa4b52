namespace Grassroots.Cluster.Tests.Support;

/// <summary>
/// A test against the local cluster. It needs nginx and PostgreSQL from Debian packages: skipped on a developer's
/// machine without them, and run (failing loudly when they are missing) in CI, where .ci/run installs them.
/// </summary>
public sealed class ClusterFactAttribute : FactAttribute
{
    public ClusterFactAttribute() => Skip = SkipReason;

    private static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? SkipReason =>
        InCi || (File.Exists("/usr/sbin/nginx") && Directory.Exists("/usr/lib/postgresql"))
            ? null
            : "The cluster tests need nginx and PostgreSQL (apt-get install nginx postgresql; .ci/run does).";
}
