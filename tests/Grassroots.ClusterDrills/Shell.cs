using System.Diagnostics;
using Grassroots.TestSupport;

namespace Grassroots.ClusterDrills;

/// <summary>Runs a program to its end with a time limit, and says what it printed when it fails.</summary>
public static class Shell
{
    public static Task<ProcessResult> RunAsync(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment,
        TimeSpan limit)
    {
        var start = new ProcessStartInfo(program);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        return ServiceProcess.RunToEndAsync(start, limit);
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
