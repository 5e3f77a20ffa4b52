using Grassroots.TestSupport;

namespace Grassroots.Throughput;

/// <summary>
/// The service as a benchmark runs it: the build of a configuration (src/Grassroots.Silo/bin/{configuration}), started and
/// its commands run through the tests' <see cref="ServiceProcess"/>, with settings as environment variables.
/// </summary>
public static class ServiceBuild
{
    /// <summary>The service's dll of the given configuration, built beforehand.</summary>
    public static string Dll(string configuration) =>
        Path.Combine(RepositoryRoot(), "src", "Grassroots.Silo", "bin", configuration, "net10.0", "Grassroots.Silo.dll");

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Grassroots.sln"))) return dir.FullName;
        throw new InvalidOperationException("Run the benchmark from inside the repository.");
    }

    public static Task<ServiceProcess> StartAsync(string dll, IReadOnlyDictionary<string, string> settings) =>
        ServiceProcess.StartAsync(dll, Settings(settings));

    /// <summary>Runs a command of the service (e.g. `keys create`) with the settings; returns its standard output.</summary>
    public static async Task<string> RunCommandAsync(string dll, IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        var result = await ServiceProcess.RunAsync(dll, args, Settings(settings), TimeSpan.FromHours(3));
        if (result.ExitCode != 0) throw new InvalidOperationException($"`{string.Join(' ', args)}` failed: {result.Error}");
        return result.Output.Trim();
    }

    private static Dictionary<string, string?> Settings(IReadOnlyDictionary<string, string> settings) =>
        settings.ToDictionary(s => s.Key, s => (string?)s.Value);
}
