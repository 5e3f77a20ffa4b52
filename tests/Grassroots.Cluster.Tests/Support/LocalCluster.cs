using System.Globalization;
using System.Reflection;
using Grassroots.ClusterDrills;
using Grassroots.TestSupport;
using Microsoft.Extensions.Hosting;

namespace Grassroots.Cluster.Tests.Support;

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<LocalCluster>
{
    public const string Name = "Local cluster";
}

/// <summary>
/// Three silos over one PostgreSQL behind nginx, started by deploy/local-cluster.sh in a folder and on ports of its
/// own, with the service as built for these tests. Tests reach nginx and each silo over HTTP, the database directly,
/// and the cluster as an Orleans client (to ask where activations live). The cluster's folder (logs, database) is
/// deleted afterwards unless GRASSROOTS_KEEP_CLUSTER is set.
/// </summary>
public sealed class LocalCluster : ITestCluster, IAsyncLifetime
{
    public const int Silos = 3;
    public const string Id = "grassroots-local";
    private static readonly TimeSpan ScriptLimit = TimeSpan.FromMinutes(5);

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "grassroots-cluster-tests-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Dictionary<string, string?> _environment = [];
    private IHost? _client;
    private int _httpPort, _pgPort, _managementPort;

    public string ClusterId => Id;

    public Uri Nginx => new($"http://127.0.0.1:{_httpPort}");

    public Uri Silo(int i) => new($"http://127.0.0.1:{_httpPort + i}");

    /// <summary>Silo i's management port: /metrics and the Orleans Dashboard, never routed by nginx.</summary>
    public Uri Management(int i) => new($"http://127.0.0.1:{_managementPort + i}");

    /// <summary>What `local-cluster.sh start` printed, standard error (its progress) first.</summary>
    public string StartOutput { get; private set; } = "";

    public string HqKey { get; private set; } = "";

    public string ConnectionString => $"Host=127.0.0.1;Port={_pgPort};Username=grassroots;Password=grassroots-dev-only;Database=grassroots;Timeout=5;Pooling=false";

    public IClusterClient Orleans => _client!.ClusterClient();

    private static string Metadata(string key) =>
        typeof(LocalCluster).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    private static string Script => Path.Combine(Metadata("RepositoryRoot"), "deploy", "local-cluster.sh");

    public async Task InitializeAsync()
    {
        if (ClusterFactAttribute.SkipReason is not null) return;
        var dll = Metadata("SiloAssembly");
        if (!File.Exists(dll)) throw new InvalidOperationException($"The service is not built at {dll}; build the solution first.");
        var ports = FreePorts.Blocks(5, Silos + 1);
        (_httpPort, _pgPort, _managementPort) = (ports[0], ports[1], ports[4]);
        _environment["GRASSROOTS_CLUSTER_DIR"] = _directory;
        _environment["GRASSROOTS_CLUSTER_PORT"] = ports[0].ToString(CultureInfo.InvariantCulture);
        _environment["GRASSROOTS_CLUSTER_PG_PORT"] = ports[1].ToString(CultureInfo.InvariantCulture);
        _environment["GRASSROOTS_CLUSTER_SILO_PORT"] = ports[2].ToString(CultureInfo.InvariantCulture);
        _environment["GRASSROOTS_CLUSTER_GATEWAY_PORT"] = ports[3].ToString(CultureInfo.InvariantCulture);
        _environment["GRASSROOTS_CLUSTER_MANAGEMENT_PORT"] = ports[4].ToString(CultureInfo.InvariantCulture);
        _environment["GRASSROOTS_SILO_DLL"] = dll;
        try
        {
            var started = await ProcessRunner.RunAsync("bash", [Script, "start", Silos.ToString(CultureInfo.InvariantCulture)], ScriptLimit, environment: _environment);
            StartOutput = started.Error + started.Output;
            if (started.ExitCode != 0) throw new InvalidOperationException($"local-cluster.sh start exited with {started.ExitCode}:\n{StartOutput}");
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
        HqKey = (await File.ReadAllTextAsync(Path.Combine(_directory, "hq-key.txt"))).Trim();

        _client = await TestClusterExtensions.StartOrleansClientAsync(Id, "grassroots", ConnectionString);
    }

    public Task<string> ScriptAsync(params string[] args) => ProcessRunner.RunCheckedAsync("bash", [Script, .. args], ScriptLimit, environment: _environment);

    public int ProcessId(int silo) => int.Parse(File.ReadAllText(Path.Combine(_directory, $"silo-{silo}.pid")).Trim(), CultureInfo.InvariantCulture);

    public string Log(int silo) => File.ReadAllText(Path.Combine(_directory, $"silo-{silo}.log"));

    public bool IsRunning(int silo)
    {
        try
        {
            return !System.Diagnostics.Process.GetProcessById(ProcessId(silo)).HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Starts every silo that is not running (an earlier test may have stopped one) and waits until all are ready.</summary>
    public async Task EnsureAllRunningAsync()
    {
        for (var i = 1; i <= Silos; i++)
            if (!IsRunning(i)) await ScriptAsync("start-silo", i.ToString(CultureInfo.InvariantCulture));
        await ScriptAsync("wait-ready");
        await Eventually.ThroughErrorsAsync(async () => (await this.MembershipAsync()).Count(m => m.Status == SiloStatus.Active) == Silos,
            "every silo active in the membership table", TimeSpan.FromSeconds(60));
    }

    /// <summary>Runs `reconcile` against the cluster's database, as an operator would; returns its exit code and output.</summary>
    public async Task<(int ExitCode, string Output)> ReconcileAsync()
    {
        var environment = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = ConnectionString,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var result = await ServiceProcess.RunAsync(Metadata("SiloAssembly"), ["reconcile"], environment, ScriptLimit);
        return (result.ExitCode, result.Output + result.Error);
    }

    public async Task DisposeAsync()
    {
        if (_client is not null)
        {
            try
            {
                await _client.StopAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception)
            {
                // the cluster may already be gone
            }
            _client.Dispose();
        }
        if (!Directory.Exists(_directory)) return;
        try
        {
            await ScriptAsync("stop");
        }
        finally
        {
            if (Environment.GetEnvironmentVariable("GRASSROOTS_KEEP_CLUSTER") is not { Length: > 0 })
                Directory.Delete(_directory, recursive: true);
        }
    }
}
