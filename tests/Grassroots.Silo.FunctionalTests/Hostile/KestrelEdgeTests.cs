using System.Net;
using System.Net.Http.Headers;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Grassroots.TestSupport;

namespace Grassroots.Silo.FunctionalTests.Hostile;

/// <summary>
/// The real service executable behind Kestrel, as deployed: what Kestrel refuses before any of the service's code runs,
/// and what the service's raised request-line limit lets it answer itself with problem details.
/// </summary>
public sealed class KestrelEdgeTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task KestrelAnswersMalformedPathsAndTheServiceAnswersLongOnesWithProblems(StorageProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var silo = await ServiceOnDatabase.StartAsync(database);
        using var client = new HttpClient { BaseAddress = silo.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", silo.HqKey);

        // %00: Kestrel refuses the request line itself (400, no body, connection closed); nothing reaches the service.
        var nul = await client.GetAsync("/api/branches/x%00");
        Assert.Equal(HttpStatusCode.BadRequest, nul.StatusCode);
        Assert.Empty(await nul.Content.ReadAsByteArrayAsync());

        // A 100 KB path is within Kestrel's raised limit, so the service answers it: 414 with problem details.
        await (await client.GetAsync("/api/branches/" + new string('a', 100_000))).AssertProblemAsync(HttpStatusCode.RequestUriTooLong);
        // Over 128 KiB Kestrel answers 414 itself, without a body.
        var huge = await client.GetAsync("/api/branches/" + new string('a', 140_000));
        Assert.Equal(HttpStatusCode.RequestUriTooLong, huge.StatusCode);

        // A trailing newline is no id, behind Kestrel too; nothing was registered.
        await (await client.PutAsync("/api/branches/x%0A", new { name = "工会", regionCode = "630102", memberCount = 1 }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "branchId");
        await (await client.GetAsync("/api/branches/x")).AssertProblemAsync(HttpStatusCode.NotFound);
    }
}
