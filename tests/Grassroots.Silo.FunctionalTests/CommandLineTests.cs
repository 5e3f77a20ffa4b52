using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Grassroots.TestSupport;

namespace Grassroots.Silo.FunctionalTests;

/// <summary>
/// The service's command line as a new user meets it, run as a process: --help on the server and on every command prints
/// its usage and starts nothing; an unknown command prints the usage and exits 2; a second server on a database another
/// already serves says so and exits 1, without a stack trace or a crash.
/// </summary>
public sealed class CommandLineTests
{
    public static TheoryData<string[], string[]> Helps => new()
    {
        { ["--help"], ["--urls", "reconcile", "keys", "import", "--Section:Key=value"] },
        { ["-h"], ["--urls"] },
        { ["keys", "--help"], ["create", "list", "revoke"] },
        { ["keys", "create", "--help"], ["--role", "--scope", "--label"] },
        { ["keys", "revoke", "--help"], ["keyId"] },
        { ["import", "--help"], ["FILE", "--url", "--key", "--type", "--dry-run"] },
        { ["reconcile", "--help"], ["Recounts every rollup"] },
    };

    [Theory, MemberData(nameof(Helps))]
    public async Task HelpPrintsUsageExitsZeroAndStartsNothing(string[] args, string[] mentioned)
    {
        var directory = Directory.CreateTempSubdirectory("grassroots-help-").FullName;
        try
        {
            var result = await ServiceProcess.RunAsync(ServiceProcess.BesideTests, args, Settings(directory), TimeSpan.FromSeconds(60));

            Assert.True(result.ExitCode == 0, result.Error);
            Assert.Contains("Usage:", result.Output);
            foreach (var word in mentioned) Assert.Contains(word, result.Output);
            // The usage line closes every bracket it opens, and no more (System.CommandLine's own text has one too many).
            var usage = result.Output.Split('\n').SkipWhile(line => !line.StartsWith("Usage:", StringComparison.Ordinal)).ElementAt(1);
            Assert.Equal(usage.Count(c => c == '['), usage.Count(c => c == ']'));
            Assert.Empty(Directory.EnumerateFileSystemEntries(directory)); // no database, no key: nothing started
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("keys", "rotate")]
    [InlineData("import")]
    [InlineData("keys", "create", "--role")]
    public async Task AnUnknownOrMalformedCommandPrintsUsageAndExitsTwo(params string[] args)
    {
        var directory = Directory.CreateTempSubdirectory("grassroots-usage-").FullName;
        try
        {
            var result = await ServiceProcess.RunAsync(ServiceProcess.BesideTests, args, Settings(directory), TimeSpan.FromSeconds(60));

            Assert.Equal(2, result.ExitCode);
            Assert.Contains("Usage:", result.Error);
            Assert.Empty(Directory.EnumerateFileSystemEntries(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task ASecondServerOnTheSameDatabaseSaysWhyAndExitsOne()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        await using var first = await ServiceOnDatabase.StartAsync(database);
        var settings = new Dictionary<string, string?>(FreePorts.ClusterSettings())
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:ConnectionString"] = database.Options.ConnectionString,
            ["Storage:DataDirectory"] = first.Directory,
            ["Demo:Load"] = "false",
        };

        var second = await ServiceProcess.RunAsync(ServiceProcess.BesideTests, ["--urls", $"http://127.0.0.1:{FreePorts.Take()}"], settings,
            TimeSpan.FromSeconds(90));

        Assert.True(second.ExitCode == 1, $"exit {second.ExitCode}: {second.Error}");
        Assert.Contains("The service could not start: Another process already serves the SQLite database", second.Error);
    }

    private static Dictionary<string, string?> Settings(string directory) => new(FreePorts.ClusterSettings())
    {
        ["Storage:Provider"] = "Sqlite",
        ["Storage:DataDirectory"] = directory,
        ["Demo:Load"] = "false",
    };
}
