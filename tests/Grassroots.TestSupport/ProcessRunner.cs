using System.Diagnostics;
using System.Text;

namespace Grassroots.TestSupport;

/// <summary>
/// Runs a program to its end, for the tests and the benches: the service's commands, the cluster's scripts, docker,
/// bash, python with openpyxl, a linter, wrk, pgbench, perf. Arguments go in as a list, never joined into one string, so
/// nothing is quoted or split by a shell on the way. The program inherits this process's environment; a variable set to
/// null in <c>environment</c> is left out. Standard input is closed at once, so a program that waits for input ends
/// instead of hanging. A run that outlasts its limit is killed with every process it started, and the exception says
/// what it printed. This file depends on nothing else in the project, so a bench that must not reference the test
/// support links it (bench/Grassroots.ImportBench).
/// </summary>
public static class ProcessRunner
{
    /// <summary>Runs <paramref name="program"/> to its end: its exit code and everything it printed.</summary>
    public static async Task<ProcessResult> RunAsync(string program, IEnumerable<string> arguments, TimeSpan limit,
        string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var process = new Process { StartInfo = StartInfo(program, arguments, workingDirectory, environment) };
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
            lock (output) lock (error)
                throw new TimeoutException($"`{CommandLine(process.StartInfo)}` did not finish within {limit}:\n{error}\n{output}");
        }
        process.WaitForExit(); // drains the output events
        lock (output) lock (error) return new ProcessResult(process.ExitCode, output.ToString(), error.ToString());
    }

    /// <summary>Like <see cref="RunAsync"/>, failing with what the program printed when it exits with other than 0; answers its standard output.</summary>
    public static async Task<string> RunCheckedAsync(string program, IEnumerable<string> arguments, TimeSpan limit,
        string? workingDirectory = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var result = await RunAsync(program, arguments, limit, workingDirectory, environment);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"`{program} {string.Join(' ', arguments)}` exited with {result.ExitCode}:\n{result.Error}\n{result.Output}");
        return result.Output;
    }

    /// <summary>
    /// How <see cref="RunAsync"/> starts a program, for one that is left running (the service, in <c>ServiceProcess</c>): output,
    /// error and input redirected, no shell.
    /// </summary>
    public static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        // A null value stays in the dictionary and keeps the variable out of the program's environment.
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>()) start.Environment[name] = value;
        return start;
    }

    private static string CommandLine(ProcessStartInfo start) => $"{start.FileName} {string.Join(' ', start.ArgumentList)}";
}

/// <summary>How a program's run ended: its exit code, standard output and standard error.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Error);
