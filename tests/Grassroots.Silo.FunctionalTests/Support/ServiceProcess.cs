using System.Diagnostics;
using Grassroots.TestSupport;

namespace Grassroots.Silo.FunctionalTests.Support;

/// <summary>
/// Grassroots.Silo.dll run as its own process on a free loopback port, as deployed, over a test database, with an hq key
/// made through its <c>keys create</c> command. Its own data directory, Orleans ports and cluster id: on the defaults,
/// <c>keys create</c> would find any other silo of this machine on port 30000 and make the key in that cluster instead.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string[] _settings;

    private ServiceProcess(Process process, string directory, string[] settings, Uri address, string hqKey) =>
        (_process, Directory, _settings, Address, HqKey) = (process, directory, settings, address, hqKey);

    public Uri Address { get; }
    public string HqKey { get; }

    /// <summary>The service's data directory (a temporary folder of its own).</summary>
    public string Directory { get; }

    public static async Task<ServiceProcess> StartAsync(TestDatabase database, bool demoData = false)
    {
        var directory = Path.Combine(Path.GetTempPath(), "grassroots-tests", "process-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        string[] settings =
        [
            $"--Storage:Provider={database.Provider}", $"--Storage:ConnectionString={database.Options.ConnectionString}",
            $"--Storage:DataDirectory={directory}", $"--Demo:Load={(demoData ? "true" : "false")}",
            .. FreePorts.ClusterSettings().Select(s => $"--{s.Key}={s.Value}"),
        ];
        var (exit, output) = await RunAsync(["keys", "create", "--role", "hq", "--scope", "CN", "--label", "test process", .. settings]);
        Assert.True(exit == 0, "keys create failed: " + output);
        var port = FreePorts.Take();
        var process = Start([$"--urls=http://127.0.0.1:{port}", .. settings]);
        var service = new ServiceProcess(process, directory, settings, new Uri($"http://127.0.0.1:{port}"), output.Trim());
        using var probe = new HttpClient();
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if ((await probe.GetAsync(new Uri(service.Address, "/readyz"))).IsSuccessStatusCode) return service;
            }
            catch (HttpRequestException)
            {
            }
            if (waited.Elapsed > TimeSpan.FromSeconds(90) || process.HasExited)
            {
                await service.DisposeAsync();
                throw new InvalidOperationException("The service did not become ready within 90 s.");
            }
            await Task.Delay(200);
        }
    }

    /// <summary>Runs a command of the service (reconcile, keys …) over the same database and settings; exit code and output.</summary>
    public Task<(int Exit, string Output)> CommandAsync(params string[] args) => RunAsync([.. args, .. _settings]);

    private static async Task<(int, string)> RunAsync(string[] args)
    {
        using var process = Start(args);
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    private static Process Start(string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Grassroots.Silo.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
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
