using System.Net;
using System.Text.Json;
using Grassroots.Cluster.Tests.Support;
using Grassroots.ClusterDrills;
using Grassroots.TestSupport;

namespace Grassroots.Cluster.Tests;

/// <summary>
/// What a new user and a hostile run found at the front of the local cluster (issue 19): nginx never serves metrics or
/// the Orleans Dashboard, whatever the case or suffix, while each silo's management port does; what nginx answers itself
/// is problem details; `start` is quiet, makes the first key and the demo campaign, and `status` tells PostgreSQL's state;
/// no silo logs Orleans' watchdog warning at start.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class EdgeTests(LocalCluster cluster)
{
    [ClusterFact]
    public async Task NginxNeverServesMetricsOrTheDashboardWhileEachManagementPortDoes()
    {
        await cluster.EnsureAllRunningAsync();
        using var front = cluster.Client(cluster.Nginx);
        foreach (var path in new[] { "/metrics", "/METRICS", "/Metrics", "/metrics/", "/metrics/x", "/dashboard", "/Dashboard/", "/DASHBOARD/index.html" })
        {
            using var response = await front.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.DoesNotContain("# TYPE", await response.Content.ReadAsStringAsync());
        }
        for (var i = 1; i <= LocalCluster.Silos; i++)
        {
            // Behind local-cluster.sh's dev-only scrape token, and the hq key.
            using var operators = new HttpClient { BaseAddress = cluster.Management(i) };
            Assert.Equal(HttpStatusCode.Unauthorized, (await operators.GetAsync("/metrics")).StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, (await operators.GetAsync("/dashboard/")).StatusCode);
            using var prometheus = new HttpClient { BaseAddress = cluster.Management(i) };
            prometheus.DefaultRequestHeaders.Authorization = new("Bearer", "grassroots-dev-only-scrape-token");
            Assert.Contains("# TYPE", await prometheus.GetStringAsync("/metrics"));
            using var hq = cluster.Client(cluster.Management(i));
            Assert.Equal(HttpStatusCode.OK, (await hq.GetAsync("/dashboard/")).StatusCode);
            using var silo = cluster.Client(cluster.Silo(i));
            Assert.Equal(HttpStatusCode.NotFound, (await silo.GetAsync("/metrics")).StatusCode);
        }
    }

    [ClusterFact]
    public async Task WhatNginxRefusesItselfIsProblemDetails()
    {
        await cluster.EnsureAllRunningAsync();
        using var front = cluster.Client(cluster.Nginx);

        using var tooLarge = new ByteArrayContent(new byte[17 << 20]);
        tooLarge.Headers.ContentType = new("text/csv");
        await AssertProblemAsync(await front.PostAsync("/api/imports?type=branches", tooLarge), HttpStatusCode.RequestEntityTooLarge);
        await AssertProblemAsync(await front.GetAsync("/api/regions/CN?pad=" + new string('x', 9000)), HttpStatusCode.RequestUriTooLong);

        // With no silo to answer, nginx says so itself: 503 with Retry-After, as a silo says it when it cannot serve.
        for (var i = 1; i <= LocalCluster.Silos; i++) await cluster.ScriptAsync("signal-silo", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "KILL");
        await Eventually.TrueAsync(() => Task.FromResult(Enumerable.Range(1, LocalCluster.Silos).All(i => !cluster.IsRunning(i))), "every silo to be gone");
        using var unavailable = await front.GetAsync("/api/regions/CN");
        await AssertProblemAsync(unavailable, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(unavailable.Headers.RetryAfter);
        await cluster.EnsureAllRunningAsync();
    }

    [ClusterFact]
    public async Task StartIsQuietMakesTheFirstKeyAndTheDemoCampaignAndStatusTellsPostgresState()
    {
        await cluster.EnsureAllRunningAsync();
        Assert.DoesNotContain("The files belonging to this database system", cluster.StartOutput);
        Assert.DoesNotContain("Success. You can now start the database server", cluster.StartOutput);
        Assert.DoesNotContain("shown this once", cluster.StartOutput);
        Assert.Contains("hq-key.txt", cluster.StartOutput);
        Assert.StartsWith("gr_", cluster.HqKey, StringComparison.Ordinal);

        using var front = cluster.Client(cluster.Nginx);
        var campaign = JsonDocument.Parse(await front.GetStringAsync("/api/campaigns/2020-model-workers")).RootElement;
        Assert.Equal("2020-model-workers", campaign.GetProperty("id").GetString());

        Assert.Contains("running", PostgresLine(await cluster.ScriptAsync("status")));
        await cluster.ScriptAsync("stop-postgres");
        try
        {
            Assert.Contains("stopped", PostgresLine(await cluster.ScriptAsync("status")));
        }
        finally
        {
            await cluster.ScriptAsync("start-postgres");
        }
        await cluster.EnsureAllRunningAsync();
    }

    [ClusterFact]
    public async Task NoSiloLogsTheWatchdogWarningAtStart()
    {
        await cluster.EnsureAllRunningAsync();
        for (var i = 1; i <= LocalCluster.Silos; i++)
            Assert.DoesNotContain("Participant check thread has not completed", cluster.Log(i));
    }

    private static string PostgresLine(string status) =>
        status.Split('\n').Single(l => l.StartsWith("PostgreSQL:", StringComparison.Ordinal));

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, JsonDocument.Parse(body).RootElement.GetProperty("status").GetInt32());
        response.Dispose();
    }
}
