using Grassroots.TestSupport;

namespace Grassroots.Silo.FunctionalTests.Support;

/// <summary>
/// Grassroots.Silo.dll run as its own process (<see cref="ServiceProcess"/>) over a test database, as deployed, with an hq
/// key made through its <c>keys create</c> command. Its own data directory, Orleans ports and cluster id: on the defaults,
/// <c>keys create</c> would find any other silo of this machine on port 30000 and make the key in that cluster instead.
/// </summary>
public sealed class ServiceOnDatabase : IAsyncDisposable
{
    private readonly ServiceProcess _process;
    private readonly IReadOnlyDictionary<string, string?> _settings;

    private ServiceOnDatabase(ServiceProcess process, string directory, IReadOnlyDictionary<string, string?> settings, string hqKey) =>
        (_process, Directory, _settings, HqKey) = (process, directory, settings, hqKey);

    public Uri Address => _process.Address;
    public string HqKey { get; }

    /// <summary>The service's data directory (a temporary folder of its own).</summary>
    public string Directory { get; }

    public string Output => _process.Output;

    /// <param name="more">Settings besides the database's, e.g. where telemetry goes.</param>
    public static async Task<ServiceOnDatabase> StartAsync(TestDatabase database, bool demoData = false, IReadOnlyDictionary<string, string?>? more = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "grassroots-tests", "process-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var settings = new Dictionary<string, string?>(FreePorts.ClusterSettings())
        {
            ["Storage:Provider"] = database.Provider.ToString(),
            ["Storage:ConnectionString"] = database.Options.ConnectionString,
            ["Storage:DataDirectory"] = directory,
            ["Demo:Load"] = demoData ? "true" : "false",
        };
        foreach (var (name, value) in more ?? new Dictionary<string, string?>()) settings[name] = value;
        var key = await ServiceProcess.RunAsync(ServiceProcess.BesideTests, ["keys", "create", "--role", "hq", "--scope", "CN", "--label", "test process"], settings);
        Assert.True(key.ExitCode == 0, "keys create failed: " + key.Error);
        var process = await ServiceProcess.StartAsync(ServiceProcess.BesideTests, settings);
        return new ServiceOnDatabase(process, directory, settings, key.Output.Trim());
    }

    /// <summary>Runs a command of the service (reconcile, keys …) over the same database and settings.</summary>
    public Task<ProcessResult> CommandAsync(params string[] args) => ServiceProcess.RunAsync(ServiceProcess.BesideTests, args, _settings);

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
