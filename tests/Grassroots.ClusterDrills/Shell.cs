using System.Diagnostics;
using System.Text;

namespace Grassroots.ClusterDrills;

/// <summary>Runs a program to its end with a time limit, and says what it printed when it fails.</summary>
public static class Shell
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment,
        TimeSpan limit)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
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
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not finish within {limit}:\n{error}\n{output}");
        }
        process.WaitForExit(); // drains the output events
        lock (output) lock (error) return new Result(process.ExitCode, output.ToString(), error.ToString());
    }

    /// <summary>Like <see cref="RunAsync"/>, failing when the program does.</summary>
    public static async Task<string> RunCheckedAsync(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment,
        TimeSpan limit)
    {
        var result = await RunAsync(program, args, environment, limit);
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited with {result.ExitCode}:\n{result.Error}\n{result.Output}");
        return result.Output;
    }
}
