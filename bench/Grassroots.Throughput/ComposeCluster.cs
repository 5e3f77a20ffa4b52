using System.Diagnostics;
using System.Globalization;
using System.Text;
using Grassroots.TestSupport;

namespace Grassroots.Throughput;

/// <summary>
/// docker-compose.yml as the cluster bench measures it, under a compose project of its own (grassroots-bench), on the
/// images deploy/build-local-images.sh made (deploy/compose.local-images.yml; GRASSROOTS_COMPOSE_IMAGES=official for
/// the registry's): the bench builds none (`up --no-build`), so it measures the images a user's `up` would run, and the
/// silo image is as new as its last build. A file the bench writes beside them
/// (/tmp/grassroots-bench-compose/bench.yml) publishes on loopback what the bench reads from outside the compose network
/// (PostgreSQL on 15640, silo I's HTTP on 5600+I and its management port on 9600+I; nginx is on 5600), and gives nginx
/// an upstream of the silos that run, so one silo and three are measured in the same stack. The containers' processes
/// are the host's, so their CPU is read from /proc as the local cluster's is.
/// </summary>
public sealed class ComposeCluster : IClusterUnderTest
{
    private const string Dir = "/tmp/grassroots-bench-compose", Project = "grassroots-bench";

    private const int HttpPort = 5600, PgPort = 15640, ManagementPort = 9600, MostSilos = 3;
    private static readonly TimeSpan CommandLimit = TimeSpan.FromMinutes(15), HealthPatience = TimeSpan.FromMinutes(3);

    private readonly Dictionary<string, int> _pids = [];
    private int _silos;
    private bool _management = true;

    public string Key { get; private set; } = "";

    public string ClusterId => "grassroots";

    public string ConnectionString => $"Host=127.0.0.1;Port={PgPort};Username=grassroots;Password=grassroots-dev-only;Database=grassroots";

    public int PostgresPid => _pids["postgres"];

    public Uri Front { get; } = new($"http://127.0.0.1:{HttpPort}");

    public Uri SiloUrl(int i) => new($"http://127.0.0.1:{HttpPort + i}");

    public async Task StartAsync(int silos)
    {
        if (Directory.Exists(Dir))
        {
            Console.WriteLine($"== {Dir} is left from an interrupted run; taking its stack down");
            await StopAsync();
        }
        Directory.CreateDirectory(Dir);
        WriteFiles(silos);
        await ComposeAsync("up", "-d", "--no-build", "postgres");
        _pids["postgres"] = await WaitHealthyAsync("postgres");
        await RestartSilosAsync(silos, management: true);
        // The one-shot service that creates the first hq key, as a user's `up` runs it.
        await ComposeAsync("up", "--no-build", "--no-deps", "hq-key");
        Key = (await ComposeAsync("run", "--rm", "-T", "--no-deps", "--entrypoint", "cat", "hq-key", "/run/grassroots/hq-key.txt")).Trim();
    }

    public async Task RestartSilosAsync(int silos, bool management)
    {
        if (silos > MostSilos) throw new ArgumentOutOfRangeException(nameof(silos), $"docker-compose.yml has {MostSilos} silos");
        await StopSilosAsync();
        (_silos, _management) = (silos, management);
        WriteFiles(silos);
        var names = Enumerable.Range(1, silos).Select(i => $"silo-{i}").ToArray();
        Console.WriteLine($"== docker-compose up {string.Join(' ', names)} and nginx, management port {(management ? "on" : "off")}");
        await ComposeAsync(["up", "-d", "--no-build", "--no-deps", "--force-recreate", .. names]);
        foreach (var name in names) _pids[name] = await WaitHealthyAsync(name);
        await ComposeAsync("up", "-d", "--no-build", "--no-deps", "nginx");
        _pids["nginx"] = int.Parse((await DockerAsync("inspect", "-f", "{{.State.Pid}}", (await ComposeAsync("ps", "-q", "nginx")).Trim())).Trim(),
            CultureInfo.InvariantCulture);
        // nginx reads the upstream file again: it is the same file, rewritten in place, so the bind mount shows the new one.
        await ComposeAsync("exec", "-T", "nginx", "nginx", "-s", "reload");
    }

    public async Task StopSilosAsync()
    {
        if (_silos > 0) await ComposeAsync(["stop", .. Enumerable.Range(1, MostSilos).Select(i => $"silo-{i}")]);
        _silos = 0;
    }

    public ClusterTopology Topology(string name, bool direct = false)
    {
        var silos = Enumerable.Range(1, direct ? 1 : _silos)
            .Select(i => new SiloProcess($"silo-{i}", _pids[$"silo-{i}"], _management ? new Uri($"http://127.0.0.1:{ManagementPort + i}") : null));
        return new(name, direct ? SiloUrl(1) : Front, [.. silos], PostgresPid, direct ? null : _pids["nginx"]);
    }

    public void PrintUpstreams() => Console.WriteLine($"  (nginx's upstream: silo-1 to silo-{_silos}; its log is `docker-compose -p {Project} logs nginx`)");

    public async Task StopAsync()
    {
        try
        {
            await ComposeAsync("down", "-v", "--remove-orphans");
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            Console.Error.WriteLine(e.Message);
        }
        _silos = 0;
        Directory.Delete(Dir, recursive: true);
    }

    /// <summary>nginx's upstream of the silos that run, and the bench's compose file: ports on loopback, the management port on or off.</summary>
    private void WriteFiles(int silos)
    {
        var repo = ServiceBuild.RepositoryRoot();
        var upstream = File.ReadAllLines(Path.Combine(repo, "deploy", "nginx", "docker.conf"))
            .Where(line => !(line.TrimStart().StartsWith("server silo-", StringComparison.Ordinal)
                && int.Parse(line.TrimStart()["server silo-".Length..].Split(':')[0], CultureInfo.InvariantCulture) > silos));
        // Truncated and written, never replaced: a bind mount of one file keeps the file it was made with.
        using (var nginx = new FileStream(Path.Combine(Dir, "nginx.conf"), FileMode.OpenOrCreate, FileAccess.Write))
        {
            nginx.SetLength(0);
            nginx.Write(Encoding.UTF8.GetBytes(string.Join('\n', upstream) + "\n"));
        }
        var yaml = new StringBuilder();
        yaml.AppendLine("# Written by the cluster bench (bench/Grassroots.Throughput/ComposeCluster.cs) for its run; removed after it.");
        yaml.AppendLine("services:");
        yaml.AppendLine(CultureInfo.InvariantCulture, $"  postgres:\n    ports: [\"127.0.0.1:{PgPort}:5432\"]");
        for (var i = 1; i <= MostSilos; i++)
        {
            yaml.AppendLine(CultureInfo.InvariantCulture, $"  silo-{i}:\n    ports: [\"127.0.0.1:{HttpPort + i}:8080\", \"127.0.0.1:{ManagementPort + i}:9091\"]");
            if (!_management) yaml.AppendLine("    environment:\n      Telemetry__Prometheus: \"false\"\n      Management__Url: \"\"");
        }
        yaml.AppendLine(CultureInfo.InvariantCulture, $"  nginx:\n    volumes: [\"{Dir}/nginx.conf:/etc/nginx/conf.d/default.conf:ro\"]");
        File.WriteAllText(Path.Combine(Dir, "bench.yml"), yaml.ToString());
    }

    private static async Task<int> WaitHealthyAsync(string service)
    {
        var id = (await ComposeAsync("ps", "-q", service)).Trim();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var status = (await DockerAsync("inspect", "-f", "{{.State.Health.Status}} {{.State.Pid}}", id)).Trim().Split(' ');
            if (status[0] == "healthy") return int.Parse(status[1], CultureInfo.InvariantCulture);
            if (deadline.Elapsed > HealthPatience)
                throw new TimeoutException($"{service} is {status[0]} after {HealthPatience.TotalMinutes:0} min: docker-compose -p {Project} logs {service}");
            await Task.Delay(1000);
        }
    }

    private static bool LocalImages => Environment.GetEnvironmentVariable("GRASSROOTS_COMPOSE_IMAGES") is not "official";

    private static Task<string> ComposeAsync(params string[] args)
    {
        var repo = ServiceBuild.RepositoryRoot();
        List<string> files = ["-f", Path.Combine(repo, "docker-compose.yml")];
        if (LocalImages) files.AddRange(["-f", Path.Combine(repo, "deploy", "compose.local-images.yml")]);
        files.AddRange(["-f", Path.Combine(Dir, "bench.yml")]);
        return ProcessRunner.RunCheckedAsync("docker-compose", ["-p", Project, .. files, .. args], CommandLimit, repo,
            new Dictionary<string, string?> { ["GRASSROOTS_HTTP_PORT"] = HttpPort.ToString(CultureInfo.InvariantCulture) });
    }

    private static Task<string> DockerAsync(params string[] args) => ProcessRunner.RunCheckedAsync("docker", args, CommandLimit);
}
