using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Grassroots.TestSupport;
using Xunit.Abstractions;

namespace Grassroots.Silo.FunctionalTests;

/// <summary>
/// The README's walkthrough, taken from the README itself and run with bash and curl, as written, against the service
/// running as its own process with the demo data; only the address and the hq key's file are the test's own.
/// </summary>
public sealed partial class ReadmeWalkthroughTests(ITestOutputHelper output)
{
    /// <summary>A handful of curl calls to a running service; far beyond that, the walkthrough hangs and is killed.</summary>
    private static readonly TimeSpan WalkthroughLimit = TimeSpan.FromMinutes(5);

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task TheReadmeWalkthroughRunsAsWritten(StorageProvider provider)
    {
        var script = Walkthrough();
        Assert.Contains("http://127.0.0.1:5080", script);
        Assert.Contains("src/Grassroots.Silo/data/hq-key.txt", script);

        await using var database = await TestDatabase.CreateAsync(provider);
        await using var service = await ServiceOnDatabase.StartAsync(database, demoData: true);
        var keyFile = Path.Combine(service.Directory, "walkthrough-hq-key.txt");
        await File.WriteAllTextAsync(keyFile, service.HqKey);
        script = script.Replace("http://127.0.0.1:5080", service.Address.ToString().TrimEnd('/'), StringComparison.Ordinal)
            .Replace("src/Grassroots.Silo/data/hq-key.txt", keyFile, StringComparison.Ordinal);

        var (exit, stdout, stderr) = await ProcessRunner.RunAsync("bash", ["-eu", "-o", "pipefail", "-c", script], WalkthroughLimit, Repository.Root);
        output.WriteLine(stdout);
        Assert.True(exit == 0, $"the walkthrough exited with {exit}: {stderr}");

        // The branch key was refused the national figures; the rollups printed are JSON naming their region.
        Assert.Matches(@"(^|\})403\n", stdout);
        Assert.Contains("\"code\":\"CN\"", stdout);
        Assert.Contains("\"code\":\"630000\"", stdout);

        // What the walkthrough logged is stored and counted.
        using var hq = new HttpClient { BaseAddress = service.Address };
        hq.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", service.HqKey);
        var session = await hq.GetFromJsonAsync<JsonElement>("/api/branches/qh-demo-001/study-sessions/2020-12-01-a");
        Assert.Equal(45, session.GetProperty("attendees").GetProperty("total").GetInt32());
        var county = await hq.GetFromJsonAsync<JsonElement>("/api/rollups/630102?campaignId=2020-model-workers");
        Assert.True(county.GetProperty("totals").GetProperty("studySessions").GetInt64() >= 1);

        // And every rollup equals a recount of the facts, as the README says next.
        var (reconciled, report, _) = await service.CommandAsync("reconcile");
        Assert.True(reconciled == 0, report);
    }

    /// <summary>The first sh block after the README's "A short walkthrough" heading.</summary>
    private static string Walkthrough()
    {
        var readme = File.ReadAllText(Path.Combine(Repository.Root, "README.md"));
        var section = readme[readme.IndexOf("## A short walkthrough", StringComparison.Ordinal)..];
        return ShBlock().Match(section) is { Success: true } block ? block.Groups[1].Value : throw new InvalidOperationException("no sh block");
    }

    [GeneratedRegex(@"```sh\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex ShBlock();
}
