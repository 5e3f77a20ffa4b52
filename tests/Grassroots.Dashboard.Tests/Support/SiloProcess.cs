using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Grassroots.Dashboard.Tests.Support;

/// <summary>
/// The real service, started as its own process from its built assembly on a loopback port the OS picks, over a
/// fresh SQLite file in a temporary data directory, without demo data. Its content root is the project folder, so
/// it serves the committed wwwroot. The hq key is the one it makes on first start, read from the data directory.
/// </summary>
public sealed partial class SiloProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(Process process, string dataDirectory)
    {
        _process = process;
        DataDirectory = dataDirectory;
    }

    public Uri BaseAddress { get; private set; } = null!;
    public string HqKey { get; private set; } = "";
    public string DataDirectory { get; }

    /// <summary>Everything the service printed so far, for a failure message.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public static async Task<SiloProcess> StartAsync()
    {
        var assembly = Metadata("SiloAssembly");
        if (!File.Exists(assembly))
            throw new InvalidOperationException($"The service is not built at {assembly}; build the solution (dotnet build) first.");
        var dataDirectory = Path.Combine(Path.GetTempPath(), "grassroots-dashboard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);

        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { assembly, "--urls", "http://127.0.0.1:0", "--contentRoot", Metadata("SiloProjectDirectory") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Only what the test decides: none of the developer's own Storage or Demo settings.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("Storage__", StringComparison.OrdinalIgnoreCase)
                     || k.StartsWith("Demo__", StringComparison.OrdinalIgnoreCase) || k.StartsWith("Security__", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Storage__Provider"] = "Sqlite";
        start.Environment["Storage__DataDirectory"] = dataDirectory;
        start.Environment["Demo__Load"] = "false";
        // A cluster of its own on free ports: the defaults may be taken by another service on this machine.
        foreach (var (key, value) in Grassroots.TestSupport.FreePorts.ClusterSettings()) start.Environment[key.Replace(":", "__")] = value;
        start.Environment["DOTNET_NOLOGO"] = "1";

        var silo = new SiloProcess(new Process { StartInfo = start, EnableRaisingEvents = true }, dataDirectory);
        try
        {
            await silo.RunAsync();
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    private async Task RunAsync()
    {
        _process.OutputDataReceived += (_, e) => Record(e.Data);
        _process.ErrorDataReceived += (_, e) => Record(e.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException($"The service exited at start:\n{Output}"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            BaseAddress = await _listening.Task.WaitAsync(timeout.Token);
            using var http = new HttpClient { BaseAddress = BaseAddress };
            while (!await IsReadyAsync(http, timeout.Token)) await Task.Delay(200, timeout.Token);
            var keyFile = Path.Combine(DataDirectory, "hq-key.txt");
            while (!File.Exists(keyFile) || new FileInfo(keyFile).Length == 0) await Task.Delay(100, timeout.Token);
            HqKey = (await File.ReadAllTextAsync(keyFile, timeout.Token)).Trim();
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The service was not ready within {StartTimeout.TotalSeconds:0} s:\n{Output}");
        }
    }

    private static async Task<bool> IsReadyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            return (await http.GetAsync("/readyz", cancellationToken)).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private void Record(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
        if (ListeningLine().Match(line) is { Success: true } match) _listening.TrySetResult(new Uri(match.Groups[1].Value));
    }

    private static string Metadata(string key) =>
        typeof(SiloProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
            // never started
        }
        _process.Dispose();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // a file still held open; the temp folder is cleaned by the OS in time
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
