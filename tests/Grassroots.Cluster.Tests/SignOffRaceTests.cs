using Grassroots.TestSupport;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grassroots.Cluster.Tests.Support;
using Grassroots.ClusterDrills;
using Xunit.Abstractions;

namespace Grassroots.Cluster.Tests;

/// <summary>
/// Sign-off on three silo processes behind nginx: writers log a county's records of a month through nginx and straight to
/// every silo while the county submits the month. Every write acknowledged is in the submitted figures, every write
/// refused (409 naming the lock) is stored nowhere, and afterwards the figures equal a recount of the month's records in
/// the database: nothing committed after the figures were taken falls in the locked month.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SignOffRaceTests(LocalCluster cluster, ITestOutputHelper output)
{
    private const string County = "440106", Month = "2020-12";
    private const int WritersPerTarget = 4, AcknowledgedBeforeSubmitting = 150, RefusalsAfterSubmitting = 60;

    [ClusterFact]
    public async Task AWriteRacingASubmissionIsEitherInItsFiguresOrRefusedNeverBoth()
    {
        await cluster.EnsureAllRunningAsync();
        var campaign = $"signoff-{Guid.NewGuid().ToString("N")[..6]}";
        using var nginx = cluster.Client(cluster.Nginx);
        await Scenario.CheckAsync(await nginx.PutAsJsonAsync($"/api/campaigns/{campaign}", new { title = "审核测试", startsOn = "2020-11-24" }));
        var branches = Enumerable.Range(0, 6).Select(i => $"{campaign}-b{i}").ToList();
        foreach (var branch in branches)
            await Scenario.CheckAsync(await nginx.PutAsJsonAsync($"/api/branches/{branch}", new { name = "天河区测试工会", regionCode = County, memberCount = 50 }));

        var targets = new[] { cluster.Nginx, cluster.Silo(1), cluster.Silo(2), cluster.Silo(3) };
        var clients = targets.Select(t => cluster.Client(t, TimeSpan.FromSeconds(30))).ToList();
        var acknowledged = new ConcurrentDictionary<string, long>();
        var refused = new ConcurrentDictionary<string, byte>();
        var unexpected = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var writers = clients.SelectMany((client, t) => Enumerable.Range(0, WritersPerTarget).Select(w => Task.Run(async () =>
        {
            for (var seq = 0; !stop.IsCancellationRequested; seq++)
            {
                var (branch, id, total) = (branches[(w + seq) % branches.Count], $"t{t}-w{w}-{seq}", 10 + seq % 13);
                var heldOn = new DateOnly(2020, 12, 1).AddDays(seq % 31).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
                try
                {
                    using var response = await client.PutAsJsonAsync($"/api/branches/{branch}/study-sessions/{id}",
                        new { campaignId = campaign, title = "学习会", heldOn, format = "offline", attendees = new { total } });
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode == HttpStatusCode.Created) acknowledged[$"{branch}/{id}"] = total;
                    else if (response.StatusCode == HttpStatusCode.Conflict && NamesTheLock(body)) refused[$"{branch}/{id}"] = 0;
                    else unexpected.Add($"{branch}/{id}: {(int)response.StatusCode} {body}");
                }
                catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
                {
                    unexpected.Add($"{branch}/{id}: {error.Message}");
                }
            }
        }))).ToList();

        await Eventually.TrueAsync(() => Task.FromResult(acknowledged.Count >= AcknowledgedBeforeSubmitting),
            "writes acknowledged before the submission", TimeSpan.FromSeconds(120));
        using var submitting = await clients[1].PostAsJsonAsync($"/api/approvals/{County}/{campaign}/{Month}/submit", new { reason = "集群测试" });
        var submitted = JsonDocument.Parse(await (await Scenario.CheckAsync(submitting)).Content.ReadAsStringAsync()).RootElement.GetProperty("submitted");
        var atSubmission = acknowledged.Count;
        await Eventually.TrueAsync(() => Task.FromResult(refused.Count >= RefusalsAfterSubmitting),
            "writes refused after the submission", TimeSpan.FromSeconds(120));
        stop.Cancel();
        await Task.WhenAll(writers);
        output.WriteLine($"MEASURED: {acknowledged.Count} writes acknowledged ({atSubmission} when the submission returned), {refused.Count} refused; " +
            $"submitted {submitted}");

        Assert.True(unexpected.IsEmpty, "Unexpected answers:\n" + string.Join("\n", unexpected.Take(20)));
        Assert.Equal(acknowledged.Count, submitted.GetProperty("studySessions").GetInt64());
        Assert.Equal(acknowledged.Values.Sum(), submitted.GetProperty("attendance").GetInt64());
        var stored = (await cluster.QueryAsync(
            "SELECT branch_id || '/' || session_id, attendees FROM study_sessions WHERE campaign_id = $1 AND region_code = $2 AND NOT voided " +
            "AND held_on BETWEEN DATE '2020-12-01' AND DATE '2020-12-31'", r => (r.GetString(0), (long)r.GetInt32(1)), campaign, County))
            .ToDictionary(r => r.Item1, r => r.Item2);
        Assert.Equal(acknowledged.OrderBy(a => a.Key), stored.OrderBy(s => s.Key));
        Assert.DoesNotContain(refused.Keys, stored.ContainsKey);
        var (exit, report) = await cluster.ReconcileAsync();
        Assert.True(exit == 0, report);
        foreach (var client in clients) client.Dispose();
    }

    private static bool NamesTheLock(string problem)
    {
        var json = JsonDocument.Parse(problem).RootElement;
        return json.TryGetProperty("period", out var period) && period.GetString() == Month
            && json.TryGetProperty("regionCode", out var region) && region.GetString() == County
            && json.GetProperty("state").GetString() == "submitted";
    }
}
