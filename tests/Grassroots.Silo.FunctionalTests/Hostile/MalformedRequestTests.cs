using System.Net;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Grassroots.TestSupport;

namespace Grassroots.Silo.FunctionalTests.Hostile;

/// <summary>
/// A URL over 8 KiB is refused before any endpoint, still with problem details (<see cref="KestrelEdgeTests"/> shows the
/// same behind Kestrel, and what Kestrel itself answers before the service sees a request).
/// </summary>
public sealed class MalformedRequestTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task AUrlOverEightKilobytesIsAProblem(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.CreateClient();

        var longPath = await client.GetAsync("/api/branches/" + new string('a', 100_000));
        var longQuery = await client.GetAsync("/api/rollups/CN?campaignId=c1&x=" + new string('q', 9_000));
        var justUnder = await client.GetAsync("/api/branches/" + new string('a', 8_000));

        await longPath.AssertProblemAsync(HttpStatusCode.RequestUriTooLong);
        await longQuery.AssertProblemAsync(HttpStatusCode.RequestUriTooLong);
        await justUnder.AssertProblemAsync(HttpStatusCode.BadRequest, "branchId"); // too long for an id, not for a URL
    }
}
