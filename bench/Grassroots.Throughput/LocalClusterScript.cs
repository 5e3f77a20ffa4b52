using System.Diagnostics;
using System.Globalization;

namespace Grassroots.Throughput;

/// <summary>
/// deploy/local-cluster.sh run by the cluster bench, in a folder and on ports of its own so it never meets the cluster
/// tests' or a developer's: nginx on 5400, silo I's HTTP on 5400+I, its Orleans ports 11400+I and 12400+I, its
/// management port 9400+I, PostgreSQL on 15540; with the service build the bench was given. One PostgreSQL throughout:
/// the silos are stopped and started afresh for each topology, so each is measured from the same cold start.
/// </summary>
public sealed class LocalClusterScript(string dll) : IClusterUnderTest
{
    private const string Dir = "/tmp/grassroots-bench-cluster";
    private const int HttpPort = 5400, PgPort = 15540, SiloPort = 11400, GatewayPort = 12400, ManagementPort = 9400;

    private int _silos, _accessLogRead;
    private bool _management;

    public string ClusterId => "grassroots-local";

    public string ConnectionString { get; } =
        $"Host=127.0.0.1;Port={PgPort};Username=grassroots;Password=grassroots-dev-only;Database=grassroots";

    public Uri Front { get; } = new($"http://127.0.0.1:{HttpPort}");

    public Uri SiloUrl(int i) => new($"http://127.0.0.1:{HttpPort + i}");

    public int PostgresPid => Pid("pg/postmaster.pid");

    public string Key => File.ReadAllText(Path.Combine(Dir, "hq-key.txt")).Trim();

    public async Task StartAsync(int silos)
    {
        if (Directory.Exists(Dir))
        {
            Console.WriteLine($"== {Dir} is left from an interrupted run; stopping what it started");
            await StopAsync();
        }
        await RestartSilosAsync(silos, management: true);
    }

    /// <summary>The silos get SIGTERM, as an orchestrator would stop them.</summary>
    public async Task RestartSilosAsync(int silos, bool management)
    {
        for (var i = 1; i <= _silos; i++) await ScriptAsync("stop-silo", i.ToString(CultureInfo.InvariantCulture));
        (_silos, _management) = (0, management);
        await ScriptAsync("start", silos.ToString(CultureInfo.InvariantCulture));
        _silos = silos;
    }

    public async Task StopSilosAsync()
    {
        for (var i = 1; i <= _silos; i++) await ScriptAsync("stop-silo", i.ToString(CultureInfo.InvariantCulture));
        _silos = 0;
    }

    public ClusterTopology Topology(string name, bool direct = false) => new(name, direct ? SiloUrl(1) : Front,
        [.. Enumerable.Range(1, direct ? 1 : _silos).Select(i => new SiloProcess($"silo-{i}", Pid($"silo-{i}.pid"),
            _management ? new Uri($"http://127.0.0.1:{ManagementPort + i}") : null))],
        PostgresPid, direct ? null : Pid("nginx.pid"));

    private static int Pid(string file) => int.Parse(File.ReadLines(Path.Combine(Dir, file)).First().Trim(), CultureInfo.InvariantCulture);

    /// <summary>From the lines nginx's access log gained since the last time.</summary>
    public void PrintUpstreams()
    {
        var lines = File.ReadLines(Path.Combine(Dir, "nginx-access.log")).ToList();
        var counts = lines.Skip(_accessLogRead)
            .Select(line => line.Split(' '))
            .Where(f => f.Length > 4 && f[1] == "PUT" && f[2].StartsWith("/api/branches/bench-", StringComparison.Ordinal))
            .GroupBy(f => f[4])
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        _accessLogRead = lines.Count;
        Console.WriteLine("  nginx sent the PUTs of this topology to " + string.Join(", ", counts.Select(g => $"{g.Key} {g.Count():N0}")));
    }

    /// <summary>Removes the folder too.</summary>
    public async Task StopAsync()
    {
        try
        {
            await ScriptAsync("stop");
        }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine(e.Message);
        }
        _silos = 0;
        Directory.Delete(Dir, recursive: true);
    }

    private async Task ScriptAsync(params string[] args)
    {
        // Not redirected: the script's output goes to the console, and the daemons it starts hold no pipe of ours.
        var info = new ProcessStartInfo(Path.Combine(ServiceBuild.RepositoryRoot(), "deploy", "local-cluster.sh")) { UseShellExecute = false };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["GRASSROOTS_CLUSTER_DIR"] = Dir;
        info.Environment["GRASSROOTS_CLUSTER_PORT"] = HttpPort.ToString(CultureInfo.InvariantCulture);
        info.Environment["GRASSROOTS_CLUSTER_PG_PORT"] = PgPort.ToString(CultureInfo.InvariantCulture);
        info.Environment["GRASSROOTS_CLUSTER_SILO_PORT"] = SiloPort.ToString(CultureInfo.InvariantCulture);
        info.Environment["GRASSROOTS_CLUSTER_GATEWAY_PORT"] = GatewayPort.ToString(CultureInfo.InvariantCulture);
        info.Environment["GRASSROOTS_CLUSTER_MANAGEMENT_PORT"] = _management ? ManagementPort.ToString(CultureInfo.InvariantCulture) : "off";
        info.Environment["GRASSROOTS_SILO_DLL"] = dll;
        using var process = Process.Start(info)!;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"deploy/local-cluster.sh {string.Join(' ', args)} exited with {process.ExitCode}");
    }
}
