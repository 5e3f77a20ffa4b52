using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grassroots.Cluster.Tests.Support;
using Grassroots.ClusterDrills;
using Grassroots.TestSupport;
using Xunit.Abstractions;

namespace Grassroots.Cluster.Tests;

/// <summary>
/// Three silo processes over one PostgreSQL form one Orleans cluster: writes to the same branches through nginx and
/// straight to every silo, creations racing corrections and voids, lose nothing; each grain is one activation in the
/// whole cluster; every silo reports the same national figures.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ConcurrencyTests(LocalCluster cluster, ITestOutputHelper output)
{
    private const int SessionsPerBranch = 16;

    [ClusterFact]
    public async Task ConcurrentPutsAndCorrectionsThroughNginxAndEverySiloLoseNothing()
    {
        await cluster.EnsureAllRunningAsync();
        var scenario = await Scenario.CreateAsync(cluster, "concurrent", 6);
        var targets = new[] { cluster.Nginx, cluster.Silo(1), cluster.Silo(2), cluster.Silo(3) }.Select(t => cluster.Client(t)).ToArray();
        var outcomes = new List<(string Record, string Request, HttpStatusCode Status, string Body)>();
        using var gate = new SemaphoreSlim(24);

        // Each session is created through one address, then corrected twice at once through two others while a third
        // corrects it again or, for every fifth, voids it.
        await Task.WhenAll(scenario.Branches.SelectMany((branch, b) => Enumerable.Range(0, SessionsPerBranch).Select(async s =>
        {
            await gate.WaitAsync();
            try
            {
                var path = $"/api/branches/{branch}/study-sessions/s{s}";
                var k = b * SessionsPerBranch + s;
                HttpClient Via(int shift) => targets[(k + shift) % targets.Length];
                var created = await SendAsync(path, "create", Via(0).PutAsJsonAsync(path, Session(scenario.Campaign, 10 + s)));
                var racing = await Task.WhenAll(
                    SendAsync(path, "correct-1", Via(1).PutAsJsonAsync(path, Session(scenario.Campaign, 100 + s))),
                    SendAsync(path, "correct-2", Via(2).PutAsJsonAsync(path, Session(scenario.Campaign, 200 + s))),
                    s % 5 == 0
                        ? SendAsync(path, "void", Via(3).DeleteAsync(path + "?reason=duplicate"))
                        : SendAsync(path, "correct-3", Via(3).PutAsJsonAsync(path, Session(scenario.Campaign, 300 + s))));
                lock (outcomes) outcomes.AddRange([created, .. racing]);
            }
            finally
            {
                gate.Release();
            }
        })));

        // Only a correction that lost the race against the void may be refused (409); everything else is accepted.
        var refused = outcomes.Where(o => !(o.Status is HttpStatusCode.OK or HttpStatusCode.Created or HttpStatusCode.NoContent
            || (o.Status == HttpStatusCode.Conflict && o.Request.StartsWith("correct", StringComparison.Ordinal) && IsVoidedSession(o.Record)))).ToList();
        Assert.True(refused.Count == 0, "Refused:\n" + string.Join("\n", refused.Select(o => $"{o.Request} {o.Record}: {(int)o.Status} {o.Body}")));

        // What the records say now is the truth the figures must match.
        long sessions = 0, attendance = 0;
        foreach (var (branch, s) in scenario.Branches.SelectMany(b => Enumerable.Range(0, SessionsPerBranch).Select(s => (b, s))))
        {
            var record = await (await Scenario.CheckAsync(await targets[0].GetAsync($"/api/branches/{branch}/study-sessions/s{s}")))
                .Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(s % 5 == 0, record.GetProperty("voided").GetBoolean());
            if (s % 5 == 0) continue;
            sessions++;
            attendance += record.GetProperty("attendees").GetProperty("total").GetInt64();
        }
        Assert.Equal(scenario.Branches.Count * Enumerable.Range(0, SessionsPerBranch).Count(s => s % 5 != 0), sessions);

        var agreed = await scenario.WaitForNationalFiguresAsync([1, 2, 3], sessions, attendance);
        output.WriteLine($"MEASURED: every silo reported the national figures {agreed.TotalMilliseconds:0} ms after the last write was acknowledged");
        var (exit, report) = await cluster.ReconcileAsync();
        Assert.True(exit == 0, report);

        // One activation per grain in the whole cluster, however many silos its callers were on.
        var statistics = await cluster.Orleans.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var ours = statistics.Where(g => g.GrainId.Key.ToString()!.StartsWith(scenario.Campaign, StringComparison.Ordinal)).ToList();
        Assert.Contains(ours, g => g.GrainId.Type.ToString() == "branch");
        Assert.Contains(ours, g => g.GrainId.Type.ToString() == "study-session");
        var duplicated = ours.GroupBy(g => g.GrainId).Where(g => g.Count() > 1).Select(g => $"{g.Key} on {string.Join(", ", g.Select(a => a.SiloAddress))}");
        Assert.Empty(duplicated);
        output.WriteLine($"activations of this test's grains per silo: " +
            string.Join(", ", ours.GroupBy(g => g.SiloAddress.Endpoint.Port).Select(g => $"{g.Key}: {g.Count()}")));
        foreach (var client in targets) client.Dispose();
    }

    [ClusterFact]
    public async Task ThreeSilosWritingAndVoidingOneBranchsRecordsAtOnceLeaveItActiveFromItsEarliestLiveRecord()
    {
        await cluster.EnsureAllRunningAsync();
        var scenario = await Scenario.CreateAsync(cluster, "one-branch", 1);
        var branch = scenario.Branches[0];
        var silos = new[] { 1, 2, 3 }.Select(i => cluster.Client(cluster.Silo(i))).ToArray();

        // Each silo logs its own records of the one branch (a record's grain lives where it is first written), on days
        // spread over December, and voids every third — among them, often, the branch's earliest record so far.
        var plan = Enumerable.Range(0, 90).Select(i => (Silo: i % 3, Id: $"r{i}", Day: 1 + (i * 7) % 28, Voided: i % 3 == 1)).ToList();
        await Task.WhenAll(plan.GroupBy(r => r.Silo).Select(async writer =>
        {
            foreach (var chunk in writer.Chunk(6))
                await Task.WhenAll(chunk.Select(async r =>
                {
                    var path = $"/api/branches/{branch}/study-sessions/{r.Id}";
                    await Scenario.CheckAsync(await silos[r.Silo].PutAsJsonAsync(path, Session(scenario.Campaign, 10, new DateOnly(2020, 12, r.Day))));
                    if (r.Voided) await Scenario.CheckAsync(await silos[(r.Silo + 1) % 3].DeleteAsync(path + "?reason=duplicate"));
                }));
        }));

        var (exit, report) = await cluster.ReconcileAsync();
        Assert.True(exit == 0, report);
        var earliest = new DateOnly(2020, 12, plan.Where(r => !r.Voided).Min(r => r.Day));
        foreach (var silo in new[] { 1, 2, 3 })
        {
            await Eventually.ThroughErrorsAsync(async () => await ActiveAsync(silo, scenario.Campaign, earliest) == 1, $"silo-{silo} to count the branch active from {earliest:yyyy-MM-dd}",
                TimeSpan.FromSeconds(60));
            Assert.Equal(0, await ActiveAsync(silo, scenario.Campaign, earliest.AddDays(-1)));
        }
        foreach (var client in silos) client.Dispose();
    }

    /// <summary>Branches active nationally as of a day, as one silo answers.</summary>
    private async Task<long> ActiveAsync(int silo, string campaign, DateOnly day)
    {
        using var http = cluster.Client(cluster.Silo(silo));
        using var response = await Scenario.CheckAsync(await http.GetAsync($"/api/rollups/CN?campaignId={campaign}&to={day:yyyy-MM-dd}"));
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("totals").GetProperty("activeBranches").GetInt64();
    }

    /// <summary>Every fifth session is voided while corrections race the void.</summary>
    private static bool IsVoidedSession(string path) =>
        int.Parse(path[(path.LastIndexOf("/s", StringComparison.Ordinal) + 2)..], System.Globalization.CultureInfo.InvariantCulture) % 5 == 0;

    private static async Task<(string, string, HttpStatusCode, string)> SendAsync(string record, string request, Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        return (record, request, response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static object Session(string campaign, int attendees, DateOnly? heldOn = null) => new
    {
        campaignId = campaign, title = "学习会", heldOn = (heldOn ?? new DateOnly(2020, 12, 1)).ToString("yyyy-MM-dd"), format = "offline",
        attendees = new { total = attendees },
    };
}
