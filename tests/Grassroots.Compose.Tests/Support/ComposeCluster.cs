using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Grassroots.ClusterDrills;
using Grassroots.TestSupport;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Grassroots.Compose.Tests.Support;

/// <summary>
/// docker-compose.yml started as a user starts it, under a compose project name of its own and with nginx on a free
/// loopback port; compose.test.yml adds loopback ports for each silo and PostgreSQL, so the test reaches them without
/// going through nginx. By default the stack runs on the images deploy/build-local-images.sh made
/// (deploy/compose.local-images.yml); GRASSROOTS_COMPOSE_IMAGES=official runs it on the official images, building the
/// silo image with `up --build`. Disposing saves every service's log beside the test output and runs `down -v`.
/// </summary>
public sealed class ComposeCluster : ITestCluster, IAsyncDisposable
{
    public const int Silos = 3;

    /// <summary>Cluster__ClusterId in docker-compose.yml.</summary>
    public const string Id = "grassroots";

    /// <summary>What deploy/compose.local-images.yml runs.</summary>
    public static readonly string[] LocalImages = ["grassroots-postgres:local", "grassroots-nginx:local", "grassroots-silo:local"];

    private static readonly TimeSpan CommandLimit = TimeSpan.FromMinutes(5);

    private readonly Dictionary<string, string?> _environment = [];
    private readonly List<string> _files = [];
    private readonly ITestOutputHelper _output;
    private readonly int _basePort;
    private IHost? _client;
    private bool _down;

    private ComposeCluster(ITestOutputHelper output, string? siloImage)
    {
        _output = output;
        Project = "grassroots-test-" + Guid.NewGuid().ToString("N")[..8];
        // nginx, silo 1–3 and PostgreSQL on five consecutive loopback ports that nobody listens on.
        _basePort = FreePorts.Blocks(1, 5)[0];
        _files.Add(Path.Combine(RepositoryRoot, "docker-compose.yml"));
        if (UsesLocalImages) _files.Add(Path.Combine(RepositoryRoot, "deploy", "compose.local-images.yml"));
        _files.Add(Path.Combine(RepositoryRoot, "tests", "Grassroots.Compose.Tests", "compose.test.yml"));
        if (siloImage is not null) _environment["GRASSROOTS_SILO_IMAGE"] = siloImage;
        _environment["COMPOSE_PROJECT_NAME"] = Project;
        _environment["GRASSROOTS_HTTP_PORT"] = Port(0);
        for (var i = 1; i <= Silos; i++) _environment[$"GRASSROOTS_TEST_SILO_{i}_PORT"] = Port(i);
        _environment["GRASSROOTS_TEST_POSTGRES_PORT"] = Port(4);
    }

    public static string RepositoryRoot { get; } =
        typeof(ComposeCluster).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RepositoryRoot").Value!;

    public static bool UsesLocalImages => Environment.GetEnvironmentVariable("GRASSROOTS_COMPOSE_IMAGES") is not "official";

    /// <summary>Where the test keeps what it saw: the services' logs (compose/) and screenshots (screenshots/).</summary>
    public static string OutputDirectory { get; } = AppContext.BaseDirectory;

    public string Project { get; }

    public string ClusterId => Id;

    public Uri Nginx => new($"http://127.0.0.1:{Port(0)}");

    public Uri Silo(int i) => new($"http://127.0.0.1:{Port(i)}");

    public string HqKey { get; private set; } = "";

    public string ConnectionString =>
        $"Host=127.0.0.1;Port={Port(4)};Username=grassroots;Password=grassroots-dev-only;Database=grassroots;Timeout=5;Pooling=false";

    public IClusterClient Orleans => _client!.ClusterClient();

    /// <summary>How long `up -d` took until every service was healthy (nginx serving, the hq-key service done).</summary>
    public TimeSpan TimeToHealthy { get; private set; }

    private string Port(int offset) => (_basePort + offset).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// `docker-compose up -d`, then waits until every service is healthy and fetches the first hq key. The silos run
    /// <paramref name="siloImage"/> when given (GRASSROOTS_SILO_IMAGE), else the compose file's.
    /// </summary>
    public static async Task<ComposeCluster> UpAsync(ITestOutputHelper output, string? siloImage = null)
    {
        if (Docker.Unreachable() is { } why)
            throw new InvalidOperationException($"No Docker engine answers ({why}). In CI, .ci/run starts dockerd; see its output.");
        var cluster = new ComposeCluster(output, siloImage);
        try
        {
            await cluster.StartAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        var clock = Stopwatch.StartNew();
        _output.WriteLine($"compose project {Project}: nginx on {Nginx}, silos on {Silo(1)}…{Silo(Silos)}, PostgreSQL on 127.0.0.1:{Port(4)}; " +
            (UsesLocalImages ? "local images (deploy/compose.local-images.yml)" : "official images, silo built by compose"));
        // compose itself waits for each dependency's health check before starting what depends on it.
        await ComposeAsync("up", "-d", UsesLocalImages ? "--no-build" : "--build");
        await WaitHealthyAsync(TimeSpan.FromMinutes(3), "postgres", "silo-1", "silo-2", "silo-3");
        await Eventually.ThroughErrorsAsync(async () => (await StateAsync("hq-key")) is { Status: "exited", ExitCode: 0 }, "the hq-key service to create the first key and exit",
            TimeSpan.FromMinutes(2));
        await Eventually.ThroughErrorsAsync(async () =>
        {
            using var http = new HttpClient { BaseAddress = Nginx, Timeout = TimeSpan.FromSeconds(5) };
            return (await http.GetAsync("/readyz")).IsSuccessStatusCode;
        }, "nginx to answer /readyz", TimeSpan.FromMinutes(1));
        TimeToHealthy = clock.Elapsed;

        // As docker-compose.yml's comment says.
        HqKey = (await ComposeAsync("run", "--rm", "-T", "--no-deps", "--entrypoint", "cat", "hq-key", "/run/grassroots/hq-key.txt")).Trim();
        Assert.StartsWith("gr_", HqKey);
        _client = await TestClusterExtensions.StartOrleansClientAsync(Id, "grassroots", ConnectionString);
    }

    /// <summary>Runs docker-compose with this project's files and settings; fails with what it printed when it fails.</summary>
    public async Task<string> ComposeAsync(params string[] args) =>
        await ProcessRunner.RunCheckedAsync("docker-compose", [.. _files.SelectMany(f => new[] { "-f", f }), .. args], CommandLimit, environment: _environment);

    public static async Task<string> DockerAsync(params string[] args) =>
        await ProcessRunner.RunCheckedAsync("docker", args, CommandLimit);

    public async Task<string> ContainerAsync(string service) => (await ComposeAsync("ps", "-q", service)).Trim();

    /// <summary>The silo image the next compose command runs (GRASSROOTS_SILO_IMAGE), as an operator sets it for an upgrade.</summary>
    public string SiloImage
    {
        set => _environment["GRASSROOTS_SILO_IMAGE"] = value;
    }

    /// <summary>The image a service's container runs now.</summary>
    public async Task<string> ImageOfAsync(string service) =>
        (await DockerAsync("inspect", "--format", "{{.Config.Image}}", await ContainerAsync(service))).Trim();

    /// <summary>
    /// Runs one of deploy/'s scripts as an operator runs it beside this stack: docker-compose finds the project through
    /// COMPOSE_FILE and COMPOSE_PROJECT_NAME. Returns what it printed on standard output and standard error.
    /// </summary>
    public async Task<(string Output, string Error)> ScriptAsync(string script, params string[] args)
    {
        var environment = new Dictionary<string, string?>(_environment) { ["COMPOSE_FILE"] = string.Join(':', _files) };
        var result = await ProcessRunner.RunAsync(Path.Combine(RepositoryRoot, "deploy", script), args, CommandLimit, environment: environment);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"deploy/{script} {string.Join(' ', args)} exited with {result.ExitCode}:\n{result.Error}\n{result.Output}");
        return (result.Output, result.Error);
    }

    /// <summary>Everything a service's current container printed, standard output and error, as `docker logs` shows it.</summary>
    public async Task<string> ContainerLogAsync(string service)
    {
        var result = await ProcessRunner.RunAsync("docker", ["logs", await ContainerAsync(service)], CommandLimit);
        return result.Output + result.Error;
    }

    public sealed record ContainerState(string Status, string Health, int ExitCode, string StartedAt, int RestartCount);

    public async Task<ContainerState> StateAsync(string service)
    {
        var fields = (await DockerAsync("inspect", "--format",
                "{{.State.Status}}|{{if .State.Health}}{{.State.Health.Status}}{{end}}|{{.State.ExitCode}}|{{.State.StartedAt}}|{{.RestartCount}}",
                await ContainerAsync(service)))
            .Trim().Split('|');
        return new ContainerState(fields[0], fields[1], int.Parse(fields[2], CultureInfo.InvariantCulture), fields[3],
            int.Parse(fields[4], CultureInfo.InvariantCulture));
    }

    /// <summary>Waits until Docker reports every given service healthy (its image's or compose's health check).</summary>
    public async Task WaitHealthyAsync(TimeSpan limit, params string[] services)
    {
        foreach (var service in services)
        {
            var last = "";
            try
            {
                await Eventually.ThroughErrorsAsync(async () =>
                {
                    var state = await StateAsync(service);
                    last = $"{state.Status}, health {state.Health}";
                    if (state.Status is "exited" or "dead") throw new InvalidOperationException($"{service} exited with {state.ExitCode}");
                    return state.Health == "healthy";
                }, $"{service} to be healthy", limit);
            }
            catch (Exception error)
            {
                throw new TimeoutException($"{service} is not healthy ({last}). Its log ends:\n{Tail(await LogsAsync(service), 30)}", error);
            }
        }
    }

    public async Task<string> LogsAsync(string service) => await ComposeAsync("logs", "--no-color", service);

    /// <summary>Waits until <paramref name="service"/>'s log has a line containing <paramref name="text"/> (asking every 2 s).</summary>
    public async Task WaitForLogAsync(string service, string text, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (!(await LogsAsync(service)).Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Waited {limit.TotalSeconds:0} s for \"{text}\" in {service}'s log. It ends:\n{Tail(await LogsAsync(service), 30)}");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    /// <summary>`reconcile`, run inside silo-1's container with its configuration, as an operator would.</summary>
    public async Task<(int ExitCode, string Output)> ReconcileAsync()
    {
        var result = await ProcessRunner.RunAsync("docker-compose",
            [.. _files.SelectMany(f => new[] { "-f", f }), "exec", "-T", "silo-1", "/app/Grassroots.Silo", "reconcile"], CommandLimit, environment: _environment);
        return (result.ExitCode, result.Output + result.Error);
    }

    /// <summary>Saves the services' logs beside the test output, then `docker-compose down -v`.</summary>
    public async Task DownAsync()
    {
        await StopClientAsync();
        try
        {
            await SaveLogsAsync();
        }
        finally
        {
            _down = true;
            await ComposeAsync("down", "-v", "--remove-orphans");
        }
    }

    private async Task SaveLogsAsync()
    {
        var directory = Path.Combine(OutputDirectory, "compose");
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, $"{Project}.log");
        await File.WriteAllTextAsync(file, await ComposeAsync("logs", "--no-color", "--timestamps"));
        _output.WriteLine($"the services' logs: {file}");
    }

    /// <summary>Containers, volumes and networks Docker still holds for this project, as "kind id name".</summary>
    public async Task<List<string>> LeftoversAsync()
    {
        var filter = $"label=com.docker.compose.project={Project}";
        var left = new List<string>();
        foreach (var (kind, args) in new[]
                 {
                     ("container", new[] { "ps", "-a", "--filter", filter, "--format", "{{.ID}} {{.Names}} {{.Status}}" }),
                     ("volume", ["volume", "ls", "--filter", filter, "--format", "{{.Name}}"]),
                     ("network", ["network", "ls", "--filter", filter, "--format", "{{.ID}} {{.Name}}"]),
                 })
            left.AddRange((await DockerAsync(args)).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => $"{kind} {line}"));
        return left;
    }

    private static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));

    private async Task StopClientAsync()
    {
        if (_client is null) return;
        try
        {
            await _client.StopAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception)
        {
            // the cluster may already be gone
        }
        _client.Dispose();
        _client = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_down) await DownAsync();
    }
}
