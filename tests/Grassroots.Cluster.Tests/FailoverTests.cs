using System.Diagnostics;
using System.Net.Http.Json;
using Grassroots.Cluster.Tests.Support;
using Grassroots.TestSupport;
using Orleans;
using Orleans.Runtime;
using Xunit.Abstractions;

namespace Grassroots.Cluster.Tests;

/// <summary>
/// Faults under sustained writes: a silo killed outright, a silo stopped with SIGTERM, PostgreSQL restarted. Nothing
/// acknowledged is lost, the survivors agree on the national figures, and reconcile finds no difference.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FailoverTests(LocalCluster cluster, ITestOutputHelper output)
{
    /// <summary>
    /// The documented bound (docs/operations.md): from kill -9 to calls succeeding again on the survivors. Measured at a
    /// few seconds (docs/benchmarks.md); generous here, since the machine may be busy with other tests.
    /// </summary>
    private static readonly TimeSpan FailoverBound = TimeSpan.FromSeconds(30);

    [ClusterFact]
    public async Task KillNineOfASiloUnderSustainedWritesLosesNoAcknowledgedRecord()
    {
        const int victim = 2;
        await cluster.EnsureAllRunningAsync();
        var scenario = await Scenario.CreateAsync(cluster, "kill", 12);
        var probeBranch = await BranchActiveOnAsync(scenario, victim);
        var clock = Stopwatch.StartNew();
        await using var writers = new Writers(cluster, scenario.Campaign, scenario.Branches, [cluster.Nginx], 8, clock);
        await WritesFlowAsync(writers, TimeSpan.Zero, "before the kill");

        var killedAt = clock.Elapsed;
        await cluster.ScriptAsync("signal-silo", victim.ToString(), "KILL");
        // The branch's grains were on the killed silo: a survivor can serve it once the cluster has moved on.
        var probe = ProbeUntilAcceptedAsync(scenario, probeBranch, cluster.Silo(1), clock);
        var declaredDead = WaitForMembershipAsync($"silo-{victim}", SiloStatus.Dead, clock);
        var (probeRecord, servedAt) = await probe;
        var deadAt = await declaredDead;
        await WritesFlowAsync(writers, servedAt, "after the failover");
        await writers.StopAsync();

        var failover = servedAt - killedAt;
        output.WriteLine($"MEASURED: kill -9 of silo-{victim} → its branch served by silo-1 after {failover.TotalSeconds:0.00} s; " +
            $"membership table marked it dead after {(deadAt - killedAt).TotalSeconds:0.00} s; " +
            $"{writers.Failures.Count} failed attempts through nginx, the last {(writers.Failures.Count == 0 ? 0 : (writers.Failures.Max(f => f.At) - killedAt).TotalSeconds):0.00} s after the kill; " +
            $"{writers.Acknowledged.Count} records acknowledged");
        foreach (var kind in writers.Failures.GroupBy(f => f.What.Length > 120 ? f.What[..120] : f.What))
            output.WriteLine($"  {kind.Count()} × {kind.Key}");
        Assert.True(failover < FailoverBound, $"The survivors served the killed silo's branch only after {failover}.");
        var outside = writers.Failures.Where(f => f.At < killedAt || f.At > killedAt + FailoverBound).ToList();
        Assert.True(outside.Count == 0, "Errors outside the failover window:\n" + Describe(outside));
        Assert.True(writers.AcknowledgedAfter(servedAt) > 0, "No write was acknowledged after the failover.");

        await AssertNothingLostAsync(scenario, [.. writers.Acknowledged, probeRecord], survivors: [1, 3]);
    }

    [ClusterFact]
    public async Task SigtermOfASiloUnderLoadLosesNothingAndGivesNo5xxThroughNginx()
    {
        const int stopping = 3;
        await cluster.EnsureAllRunningAsync();
        var scenario = await Scenario.CreateAsync(cluster, "sigterm", 12);
        var clock = Stopwatch.StartNew();
        await using var writers = new Writers(cluster, scenario.Campaign, scenario.Branches, [cluster.Nginx], 8, clock);
        await WritesFlowAsync(writers, TimeSpan.Zero, "before the SIGTERM");

        using var readiness = new CancellationTokenSource();
        var answers = WatchReadinessAsync(cluster.Silo(stopping), readiness.Token);
        var pid = cluster.ProcessId(stopping);
        var stoppedAt = clock.Elapsed;
        await cluster.ScriptAsync("signal-silo", stopping.ToString(), "TERM");
        await Eventually.TrueAsync(() => Task.FromResult(!cluster.IsRunning(stopping)), $"silo-{stopping} (pid {pid}) to exit", TimeSpan.FromSeconds(60));
        var exitedAfter = clock.Elapsed - stoppedAt;
        await WritesFlowAsync(writers, stoppedAt + exitedAfter, "on the survivors after the silo exited");
        await readiness.CancelAsync();
        await writers.StopAsync();

        output.WriteLine($"MEASURED: SIGTERM → silo-{stopping} exited after {exitedAfter.TotalSeconds:0.00} s; /readyz answered " +
            string.Join(" → ", (await answers).Distinct()) + $"; {writers.Acknowledged.Count} records acknowledged");
        Assert.True(writers.Failures.Count == 0, "Clients saw errors through nginx:\n" + Describe(writers.Failures));
        // Unready first, while it still served (Cluster:DrainDelay), and only then gone.
        Assert.Equal(["200", "503", "refused"], (await answers).Distinct());
        var left = (await cluster.MembershipAsync()).Single(m => m.Silo == $"silo-{stopping}");
        Assert.Equal(SiloStatus.Dead, left.Status);
        // Its own parts stopped cleanly (Orleans may log a connection its peers closed first).
        var log = cluster.Log(stopping);
        var shutdown = log[log.LastIndexOf("Application is shutting down", StringComparison.Ordinal)..];
        Assert.DoesNotContain("fail: Grassroots", shutdown);
        Assert.DoesNotContain("crit:", shutdown);

        await AssertNothingLostAsync(scenario, writers.Acknowledged, survivors: [1, 2]);
    }

    [ClusterFact]
    public async Task PostgresRestartDuringWritesGives503WithRetryAfterThenRecoversWithoutLoss()
    {
        await cluster.EnsureAllRunningAsync();
        var scenario = await Scenario.CreateAsync(cluster, "pg-restart", 8);
        var processes = Enumerable.Range(1, LocalCluster.Silos).Select(cluster.ProcessId).ToList();
        var clock = Stopwatch.StartNew();
        var targets = new[] { cluster.Nginx, cluster.Silo(1), cluster.Silo(2), cluster.Silo(3) };
        await using var writers = new Writers(cluster, scenario.Campaign, scenario.Branches, targets, 2, clock);
        await WritesFlowAsync(writers, TimeSpan.Zero, "before PostgreSQL stops");

        var stoppedAt = clock.Elapsed;
        await cluster.ScriptAsync("stop-postgres");
        // Down until every target has refused a write: the outage is seen by each silo and through nginx.
        await Eventually.TrueAsync(() => Task.FromResult(targets.All(t => writers.Failures.Any(f => f.At > stoppedAt
            && f.Target == t.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)))), "every target to refuse a write while PostgreSQL is down",
            TimeSpan.FromSeconds(90));
        await cluster.ScriptAsync("start-postgres");
        var restartedAt = clock.Elapsed;
        await Eventually.TrueAsync(() => Task.FromResult(writers.AcknowledgedAfter(restartedAt) >= 40),
            "writes to be acknowledged again after PostgreSQL came back", TimeSpan.FromSeconds(90));
        var recoveredAt = clock.Elapsed;
        await writers.StopAsync();

        var failures = writers.Failures.ToList();
        output.WriteLine($"MEASURED: PostgreSQL down {(restartedAt - stoppedAt).TotalSeconds:0.0} s; {failures.Count} refused attempts " +
            $"({failures.Count(f => f.What.StartsWith("503", StringComparison.Ordinal))} of them 503); writes flowing again " +
            $"{(recoveredAt - restartedAt).TotalSeconds:0.0} s after it was back; {writers.Acknowledged.Count} records acknowledged");
        Assert.Contains(failures, f => f.At > stoppedAt && f.At < restartedAt);
        var wrong = failures.Where(f => !f.What.StartsWith("503", StringComparison.Ordinal) || !f.RetryAfter).ToList();
        Assert.True(wrong.Count == 0, "Answers other than 503 with Retry-After (a hang is a TaskCanceledException):\n" + Describe(wrong));

        // The same processes, ready again by themselves.
        Assert.Equal(processes, Enumerable.Range(1, LocalCluster.Silos).Select(cluster.ProcessId));
        Assert.All(Enumerable.Range(1, LocalCluster.Silos), i => Assert.True(cluster.IsRunning(i), $"silo-{i} exited"));
        await cluster.ScriptAsync("wait-ready");
        await AssertNothingLostAsync(scenario, writers.Acknowledged, survivors: [1, 2, 3]);
    }

    /// <summary>Every acknowledged record is stored (and nothing else), every given silo reports them, reconcile is zero.</summary>
    private async Task AssertNothingLostAsync(Scenario scenario, IReadOnlyCollection<string> acknowledged, int[] survivors)
    {
        var stored = await scenario.StoredSessionsAsync();
        var missing = acknowledged.Where(r => !stored.ContainsKey(r)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged records are not stored, e.g. {string.Join(", ", missing.Take(5))}");
        Assert.Equal(acknowledged.Count, stored.Count);
        var agreed = await scenario.WaitForNationalFiguresAsync(survivors, stored.Count, stored.Values.Sum());
        output.WriteLine($"MEASURED: silos {string.Join(", ", survivors)} agreed on the national figures {agreed.TotalMilliseconds:0} ms after the writes stopped");
        var (exit, report) = await cluster.ReconcileAsync();
        Assert.True(exit == 0, report);
    }

    /// <summary>
    /// A branch whose branch grain is active on <paramref name="silo"/>: one of the scenario's, or else one registered
    /// through that silo (placement may put it anywhere, so until one lands there).
    /// </summary>
    private async Task<string> BranchActiveOnAsync(Scenario scenario, int silo)
    {
        using var http = cluster.Client(cluster.Silo(silo));
        var management = cluster.Orleans.GetGrain<IManagementGrain>(0);
        async Task<HashSet<string>> BranchesOnSiloAsync() => (await management.GetDetailedGrainStatistics())
            .Where(g => g.GrainId.Type.ToString() == "branch" && g.SiloAddress.Endpoint.Port == cluster.SiloPort(silo))
            .Select(g => g.GrainId.Key.ToString()!).ToHashSet();
        if (scenario.Branches.FirstOrDefault((await BranchesOnSiloAsync()).Contains) is { } found) return found;
        for (var i = 0; i < 40; i++)
        {
            var branch = $"{scenario.Campaign}-p{i}";
            await Scenario.CheckAsync(await http.PutAsJsonAsync($"/api/branches/{branch}", new { name = "探测工会", regionCode = "630102", memberCount = 1 }));
            if ((await BranchesOnSiloAsync()).Contains(branch)) return branch;
        }
        throw new InvalidOperationException($"No branch grain could be placed on silo-{silo}.");
    }

    /// <summary>Writes one new record of <paramref name="branch"/> straight to a silo, again and again, until it is accepted.</summary>
    private async Task<(string Record, TimeSpan At)> ProbeUntilAcceptedAsync(Scenario scenario, string branch, Uri silo, Stopwatch clock)
    {
        using var http = cluster.Client(silo, FailoverBound);
        var (record, path) = ($"{branch}/probe", $"/api/branches/{branch}/study-sessions/probe");
        var body = new { campaignId = scenario.Campaign, title = "探测", heldOn = "2020-12-01", format = "offline", attendees = new { total = 1 } };
        var deadline = clock.Elapsed + FailoverBound;
        while (clock.Elapsed < deadline)
        {
            try
            {
                using var response = await http.PutAsJsonAsync(path, body);
                if (response.IsSuccessStatusCode) return (record, clock.Elapsed);
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
            {
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"{silo} did not accept a write of {branch} within {FailoverBound}.");
    }

    private async Task<TimeSpan> WaitForMembershipAsync(string silo, SiloStatus status, Stopwatch clock)
    {
        await Eventually.ThroughErrorsAsync(async () => (await cluster.MembershipAsync()).Single(m => m.Silo == silo).Status == status,
            $"{silo} to be {status} in the membership table", FailoverBound);
        return clock.Elapsed;
    }

    /// <summary>What /readyz answers, polled until cancelled: "200", "503" or "refused" (nothing listens).</summary>
    private static async Task<List<string>> WatchReadinessAsync(Uri silo, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = silo, Timeout = TimeSpan.FromSeconds(5) };
        var answers = new List<string>();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await http.GetAsync("/readyz", CancellationToken.None);
                answers.Add(((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            catch (HttpRequestException)
            {
                answers.Add("refused");
            }
            catch (TaskCanceledException)
            {
                answers.Add("timeout");
            }
            await Task.Delay(50, CancellationToken.None);
        }
        return answers;
    }

    /// <summary>Waits until the writers have had 20 records acknowledged since <paramref name="since"/>: writes flow.</summary>
    private static Task WritesFlowAsync(Writers writers, TimeSpan since, string when) =>
        Eventually.TrueAsync(() => Task.FromResult(writers.AcknowledgedAfter(since) >= 20), $"20 writes acknowledged {when}", TimeSpan.FromSeconds(90));

    private static string Describe(IEnumerable<Writers.Failure> failures) =>
        string.Join("\n", failures.OrderBy(f => f.At).Take(20).Select(f => $"{f.At.TotalSeconds:0.00}s via {f.Target}: {f.What}"));
}
