using System.Net;
using System.Text.RegularExpressions;
using Grassroots.Dashboard.Tests.Support;

namespace Grassroots.Dashboard.Tests;

/// <summary>
/// How the service serves the branch page: its worker and manifest with their content types, asked for again on every
/// visit (no-cache) so a new version reaches the phones, and every module the page imports in the worker's list, or the
/// page would fail without a network.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed partial class BranchPageServingTests(DashboardFixture fixture)
{
    [BrowserFact]
    public async Task ThePageItsWorkerAndManifestAreServedNoCacheWithTheirTypes()
    {
        using var http = new HttpClient { BaseAddress = fixture.Silo.BaseAddress };
        foreach (var (path, type) in new[]
                 {
                     ("/branch/", "text/html"), ("/branch/sw.js", "text/javascript"),
                     ("/branch/manifest.webmanifest", "application/manifest+json"), ("/", "text/html"),
                 })
        {
            using var response = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(type, response.Content.Headers.ContentType?.MediaType);
            Assert.True(response.Headers.CacheControl?.NoCache == true, $"{path} is not served no-cache.");
        }
        var manifest = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/branch/manifest.webmanifest")).RootElement;
        Assert.Equal(("/branch/", "/branch/"), (manifest.GetProperty("start_url").GetString(), manifest.GetProperty("scope").GetString()));
    }

    [BrowserFact]
    public async Task EveryFileThePageLoadsIsInTheWorkersList()
    {
        using var http = new HttpClient { BaseAddress = fixture.Silo.BaseAddress };
        var worker = await http.GetStringAsync("/branch/sw.js");
        var listed = ListedFile().Matches(worker[worker.IndexOf("const PAGE", StringComparison.Ordinal)..worker.IndexOf("];", StringComparison.Ordinal)])
            .Select(m => m.Groups[1].Value).ToHashSet();
        foreach (var path in listed) Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(path)).StatusCode);

        var html = await http.GetStringAsync("/branch/");
        var needed = new HashSet<string>(HtmlReference().Matches(html).Select(m => new Uri(new Uri(fixture.Silo.BaseAddress, "/branch/"), m.Groups[1].Value).AbsolutePath));
        var modules = new Queue<string>(needed.Where(p => p.EndsWith(".js", StringComparison.Ordinal)));
        while (modules.TryDequeue(out var module))
        {
            foreach (Match import in ImportedModule().Matches(await http.GetStringAsync(module)))
            {
                var path = new Uri(new Uri(fixture.Silo.BaseAddress, module), import.Groups[1].Value).AbsolutePath;
                if (needed.Add(path)) modules.Enqueue(path);
            }
        }
        needed.Add("/branch/");
        Assert.Empty(needed.Except(listed));
    }

    [GeneratedRegex(@"'(/[^']*)'")]
    private static partial Regex ListedFile();

    [GeneratedRegex(@"(?:href|src)=""([^""#]+)""")]
    private static partial Regex HtmlReference();

    [GeneratedRegex(@"(?:from|import)\s+'([^']+)'")]
    private static partial Regex ImportedModule();
}
