using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Grassroots.Throughput;

/// <summary>The built service run as a process of its own, as an operator runs it, with settings as environment variables.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;

    private SiloProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public int Id => _process.Id;

    /// <summary>The service's dll of the given configuration, built beforehand (src/Grassroots.Silo/bin/{configuration}).</summary>
    public static string Dll(string configuration) =>
        Path.Combine(RepositoryRoot(), "src", "Grassroots.Silo", "bin", configuration, "net10.0", "Grassroots.Silo.dll");

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Grassroots.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }

    /// <summary>Runs a command of the service (e.g. `keys create`) with the settings; returns its standard output.</summary>
    public static async Task<string> RunCommandAsync(string dll, IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        using var process = Process.Start(StartInfo(dll, settings, args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"`{string.Join(' ', args)}` failed: {await error}");
        return (await output).Trim();
    }

    public static async Task<SiloProcess> StartAsync(string dll, IReadOnlyDictionary<string, string> settings)
    {
        var port = FreePort();
        var url = new Uri($"http://127.0.0.1:{port}");
        var process = Process.Start(StartInfo(dll, settings, ["--urls", url.ToString().TrimEnd('/')]))!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        var silo = new SiloProcess(process, url);
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException($"The service exited with {process.ExitCode} while starting.");
            try
            {
                if ((await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK) return silo;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // not listening yet
            }
            await Task.Delay(200);
        }
        await silo.DisposeAsync();
        throw new TimeoutException("The service did not become ready within 2 minutes.");
    }

    private static ProcessStartInfo StartInfo(string dll, IReadOnlyDictionary<string, string> settings, string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        info.ArgumentList.Add(dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        foreach (var (key, value) in settings) info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        return info;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
