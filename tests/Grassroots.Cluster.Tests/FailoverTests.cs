using System.Diagnostics;
using Grassroots.Cluster.Tests.Support;
using Grassroots.ClusterDrills;
using Grassroots.TestSupport;
using Xunit.Abstractions;

namespace Grassroots.Cluster.Tests;

/// <summary>
/// Faults under sustained writes: a silo killed outright, a silo stopped with SIGTERM, PostgreSQL restarted. Nothing
/// acknowledged is lost, the survivors agree on the national figures, and reconcile finds no difference.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FailoverTests(LocalCluster cluster, ITestOutputHelper output)
{
    private readonly Drill _drill = new(cluster, output);

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
        var probeBranch = await _drill.BranchActiveOnAsync(scenario, victim);
        var clock = Stopwatch.StartNew();
        await using var writers = new Writers(cluster, scenario.Campaign, scenario.Branches, [cluster.Nginx], 8, clock);
        await WritesFlowAsync(writers, TimeSpan.Zero, "before the kill");

        var killedAt = clock.Elapsed;
        await cluster.ScriptAsync("signal-silo", victim.ToString(), "KILL");
        // The branch's grains were on the killed silo: a survivor can serve it once the cluster has moved on.
        var probe = _drill.ProbeUntilAcceptedAsync(scenario, probeBranch, cluster.Silo(1), clock, FailoverBound);
        var declaredDead = _drill.WaitForMembershipAsync($"silo-{victim}", SiloStatus.Dead, clock, FailoverBound);
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
        Assert.True(outside.Count == 0, "Errors outside the failover window:\n" + Drill.Describe(outside));
        Assert.True(writers.AcknowledgedAfter(servedAt) > 0, "No write was acknowledged after the failover.");

        await _drill.AssertNothingLostAsync(scenario, [.. writers.Acknowledged, probeRecord], survivors: [1, 3]);
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
        var seen = new List<string>();
        var answers = Drill.WatchReadinessAsync(cluster.Silo(stopping), seen, readiness.Token);
        // The signal goes only once the watch has seen the silo ready, whatever the machine's load.
        await Eventually.TrueAsync(() => Task.FromResult(Drill.Snapshot(seen).Contains("200")), $"silo-{stopping} to answer /readyz 200", TimeSpan.FromSeconds(60));
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
        Assert.True(writers.Failures.Count == 0, "Clients saw errors through nginx:\n" + Drill.Describe(writers.Failures));
        // Unready first, while it still served (Cluster:DrainDelay), and only then gone.
        Assert.Equal(["200", "503", "refused"], (await answers).Distinct());
        var left = (await cluster.MembershipAsync()).Single(m => m.Silo == $"silo-{stopping}");
        Assert.Equal(SiloStatus.Dead, left.Status);
        // Its own parts stopped cleanly (Orleans may log a connection its peers closed first).
        var log = cluster.Log(stopping);
        var shutdown = log[log.LastIndexOf("Application is shutting down", StringComparison.Ordinal)..];
        Assert.DoesNotContain("fail: Grassroots", shutdown);
        Assert.DoesNotContain("crit:", shutdown);

        await _drill.AssertNothingLostAsync(scenario, writers.Acknowledged, survivors: [1, 2]);
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
        Assert.True(wrong.Count == 0, "Answers other than 503 with Retry-After (a hang is a TaskCanceledException):\n" + Drill.Describe(wrong));

        // The same processes, ready again by themselves.
        Assert.Equal(processes, Enumerable.Range(1, LocalCluster.Silos).Select(cluster.ProcessId));
        Assert.All(Enumerable.Range(1, LocalCluster.Silos), i => Assert.True(cluster.IsRunning(i), $"silo-{i} exited"));
        await cluster.ScriptAsync("wait-ready");
        await _drill.AssertNothingLostAsync(scenario, writers.Acknowledged, survivors: [1, 2, 3]);
    }

    /// <summary>Waits until the writers have had 20 records acknowledged since <paramref name="since"/>: writes flow.</summary>
    private static Task WritesFlowAsync(Writers writers, TimeSpan since, string when) =>
        Eventually.TrueAsync(() => Task.FromResult(writers.AcknowledgedAfter(since) >= 20), $"20 writes acknowledged {when}", TimeSpan.FromSeconds(90));
}
