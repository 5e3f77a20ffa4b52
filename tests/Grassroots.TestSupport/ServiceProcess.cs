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
        var process = new Process { StartInfo = StartInfo(dll, ["--urls", address.ToString().TrimEnd('/'), .. arguments ?? []], settings) };
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
        RunToEndAsync(StartInfo(dll, args, settings ?? new Dictionary<string, string?>()), limit ?? StartPatience);

    /// <summary>
    /// Runs any program to its end with nothing on its standard input (the service's commands, the cluster's scripts, a
    /// linter); kills it when it takes longer than <paramref name="limit"/>, saying what it printed.
    /// </summary>
    public static async Task<ProcessResult> RunToEndAsync(ProcessStartInfo start, TimeSpan limit)
    {
        (start.RedirectStandardOutput, start.RedirectStandardError, start.RedirectStandardInput, start.UseShellExecute) = (true, true, true, false);
        using var process = new Process { StartInfo = start };
        var (output, error) = (new StringBuilder(), new StringBuilder());
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (error) error.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{start.FileName} {string.Join(' ', start.ArgumentList)}` did not finish within {limit}:\n{error}\n{output}");
        }
        process.WaitForExit(); // drains the output events
        lock (output) lock (error) return new ProcessResult(process.ExitCode, output.ToString(), error.ToString());
    }

    /// <summary>The service's dll built beside the calling tests (a project reference copies it there).</summary>
    public static string BesideTests => Path.Combine(AppContext.BaseDirectory, "Grassroots.Silo.dll");

    private static ProcessStartInfo StartInfo(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string?> settings)
    {
        if (!File.Exists(dll)) throw new InvalidOperationException($"The service is not built at {dll}; build the solution (dotnet build) first.");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        // Only what the caller decides: none of the developer's own settings of the service.
        foreach (var name in start.Environment.Keys.Where(k => k.Split("__")[0] is "Storage" or "Demo" or "Security" or "Cluster").ToList())
            start.Environment.Remove(name);
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        return start;
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

/// <summary>How a run of the service's command line ended.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Error);
