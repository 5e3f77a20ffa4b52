using System.Reflection;
using Grassroots.TestSupport;

namespace Grassroots.Dashboard.Tests.Support;

/// <summary>
/// The real service for the browser tests, started through <see cref="ServiceProcess"/> from its built assembly over a
/// fresh SQLite file in a temporary data directory, without demo data. Its content root is the project folder, so it
/// serves the committed wwwroot. The hq key is the one it makes on first start, read from the data directory.
/// </summary>
public sealed class DashboardService : IAsyncDisposable
{
    private readonly ServiceProcess _process;

    private DashboardService(ServiceProcess process, string dataDirectory, string hqKey) =>
        (_process, DataDirectory, HqKey) = (process, dataDirectory, hqKey);

    public Uri BaseAddress => _process.Address;
    public string HqKey { get; }
    public string DataDirectory { get; }

    /// <summary>Everything the service printed so far, for a failure message.</summary>
    public string Output => _process.Output;

    public static async Task<DashboardService> StartAsync()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "grassroots-dashboard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var settings = new Dictionary<string, string?>(FreePorts.ClusterSettings())
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = dataDirectory,
            ["Demo:Load"] = "false",
        };
        var process = await ServiceProcess.StartAsync(Metadata("SiloAssembly"), settings, ["--contentRoot", Metadata("SiloProjectDirectory")]);
        var keyFile = Path.Combine(dataDirectory, "hq-key.txt");
        await Eventually.TrueAsync(() => Task.FromResult(File.Exists(keyFile) && new FileInfo(keyFile).Length > 0), "the first hq key to be saved");
        return new DashboardService(process, dataDirectory, (await File.ReadAllTextAsync(keyFile)).Trim());
    }

    private static string Metadata(string key) =>
        typeof(DashboardService).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // a file still held open; the temp folder is cleaned by the OS in time
        }
    }
}
