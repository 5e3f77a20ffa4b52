using System.Net;
using System.Text.Json;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Hosting;
using Grassroots.Storage;
using Grassroots.TestSupport;

namespace Grassroots.Silo.FunctionalTests;

/// <summary>
/// /healthz and /readyz as load balancers, the image's HEALTHCHECK and deploy/local-cluster.sh read them: 200 with
/// {"status":"up"} and {"status":"ready"}, and 503 problem details naming why a silo is not ready.
/// </summary>
public sealed class HealthTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task HealthAndReadinessAnswerUpAndReadyThenADrainingSiloIsNotReady(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var client = app.RawClient();

        using (var healthz = await client.GetAsync("/healthz"))
        {
            Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
            Assert.Equal("""{"status":"up"}""", await healthz.Content.ReadAsStringAsync());
        }
        using (var readyz = await client.GetAsync("/readyz"))
        {
            Assert.Equal(HttpStatusCode.OK, readyz.StatusCode);
            Assert.Equal("application/json; charset=utf-8", readyz.Content.Headers.ContentType?.ToString());
            Assert.Equal("""{"status":"ready"}""", await readyz.Content.ReadAsStringAsync());
        }

        await app.Service<Draining>().StoppingAsync(CancellationToken.None);

        using var draining = await client.GetAsync("/readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, draining.StatusCode);
        Assert.Equal("application/problem+json", draining.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await draining.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Equal("The silo is shutting down.", problem.GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }
}
