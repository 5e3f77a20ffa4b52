using System.Diagnostics;
using System.Text;

namespace Grassroots.TestSupport;

/// <summary>
/// The built service (Grassroots.Silo.dll) run as a process of its own, as an operator runs it: the functional, dashboard
/// and cluster tests and the benches all start it, and run its commands, through this. Settings go in as environment
/// variables (Section__Key), so a command line stays what a person would type; everything the process prints is kept
/// for a failure message. A started service listens on a free loopback port and is ready (/readyz 200) when
/// <see cref="StartAsync"/> returns; disposing it kills it.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    public static readonly TimeSpan StartPatience = TimeSpan.FromSeconds(120);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServiceProcess(Process process, Uri address) => (_process, Address) = (process, address);

    public Uri Address { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the service printed so far, standard output and error interleaved.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>
    /// Starts the service from <paramref name="dll"/> on a free loopback port with <paramref name="settings"/> (and, in
    /// <paramref name="arguments"/>, anything else its command line takes) and waits until it is ready.
    /// </summary>
    public static async Task<ServiceProcess> StartAsync(string dll, IReadOnlyDictionary<string, string?> settings,
        IEnumerable<string>? arguments = null, TimeSpan? patience = null)
    {
        var address = new Uri($"http://127.0.0.1:{FreePorts.Take()}");
        var process = new Process
        {
            StartInfo = ProcessRunner.StartInfo("dotnet", [Built(dll), "--urls", address.ToString().TrimEnd('/'), .. arguments ?? []],
                Path.GetDirectoryName(dll), ServiceEnvironment(settings)),
        };
        var service = new ServiceProcess(process, address);
        process.OutputDataReceived += (_, e) => service.Record(e.Data);
        process.ErrorDataReceived += (_, e) => service.Record(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var probe = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.TrueAsync(async () =>
            {
                if (process.HasExited) throw new InvalidOperationException($"The service exited with {process.ExitCode} while starting:\n{service.Output}");
                try
                {
                    return (await probe.GetAsync("/readyz")).IsSuccessStatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    return false; // not listening yet
                }
            }, $"the service at {address} to be ready", patience ?? StartPatience);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs the service's command line to its end (a command, or --help): exit code and what it printed.</summary>
    public static Task<ProcessResult> RunAsync(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? settings = null,
        TimeSpan? limit = null) =>
        ProcessRunner.RunAsync("dotnet", [Built(dll), .. args], limit ?? StartPatience, Path.GetDirectoryName(dll), ServiceEnvironment(settings));

    /// <summary>The service's dll built beside the calling tests (a project reference copies it there).</summary>
    public static string BesideTests => Path.Combine(AppContext.BaseDirectory, "Grassroots.Silo.dll");

    private static string Built(string dll) =>
        File.Exists(dll) ? dll : throw new InvalidOperationException($"The service is not built at {dll}; build the solution (dotnet build) first.");

    private static Dictionary<string, string?> ServiceEnvironment(IReadOnlyDictionary<string, string?>? settings)
    {
        // Only what the caller decides: none of the developer's own settings of the service.
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.Split("__")[0] is "Storage" or "Demo" or "Security" or "Cluster")
            .ToDictionary(k => k, string? (_) => null);
        environment["DOTNET_NOLOGO"] = "1";
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        return environment;
    }

    private void Record(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>Kills the service at once (as a crash would).</summary>
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
    }
}
