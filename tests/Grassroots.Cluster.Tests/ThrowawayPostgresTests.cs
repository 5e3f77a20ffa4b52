using System.Globalization;
using System.Reflection;
using Grassroots.Cluster.Tests.Support;
using Grassroots.TestSupport;
using Npgsql;

namespace Grassroots.Cluster.Tests;

/// <summary>
/// deploy/postgres-throwaway.sh as the README tells a developer to use it (issue 19): the README says how to stop it,
/// and that stop stops the server (`status` says so, and it takes no connection), run as whoever runs the tests.
/// </summary>
public sealed class ThrowawayPostgresTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    private static string Root =>
        typeof(ThrowawayPostgresTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    [ClusterFact]
    public async Task TheReadmeSaysHowToStopItAndStopStopsIt()
    {
        var readme = await File.ReadAllTextAsync(Path.Combine(Root, "README.md"));
        Assert.Contains("\ndeploy/postgres-throwaway.sh stop ", readme);
        Assert.Contains("`deploy/postgres-throwaway.sh stop /tmp/pg-mine`", readme);

        var script = Path.Combine(Root, "deploy", "postgres-throwaway.sh");
        var port = FreePorts.Take().ToString(CultureInfo.InvariantCulture);
        // Straight under /tmp: run as root, the script hands the folder to the postgres user, who must reach it.
        var folder = Path.Combine(Path.GetTempPath(), "grassroots-throwaway-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var connection = (await ProcessRunner.RunCheckedAsync("bash", [script, port, folder], Limit)).Trim();
            await using (var open = new NpgsqlConnection(connection + ";Pooling=false"))
            {
                await open.OpenAsync();
            }
            Assert.Equal("running", (await ProcessRunner.RunCheckedAsync("bash", [script, "status", folder], Limit)).Trim());

            await ProcessRunner.RunCheckedAsync("bash", [script, "stop", folder], Limit);

            var status = await ProcessRunner.RunAsync("bash", [script, "status", folder], Limit);
            Assert.Equal((3, "stopped"), (status.ExitCode, status.Output.Trim()));
            await using var refused = new NpgsqlConnection(connection + ";Pooling=false;Timeout=5");
            await Assert.ThrowsAsync<NpgsqlException>(() => refused.OpenAsync());
        }
        finally
        {
            await ProcessRunner.RunAsync("bash", [script, "stop", folder], Limit);
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }
}
