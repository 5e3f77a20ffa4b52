using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Grassroots.ClusterDrills;
using Grassroots.Compose.Tests.Support;
using Grassroots.Dashboard.Tests.Support;
using Grassroots.TestSupport;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Grassroots.Compose.Tests;

/// <summary>
/// The cluster users start with docker-compose.yml, started and drilled as the cluster tests drill the same topology
/// without Docker, and as an operator lives with it: up on the previous release until every service is healthy, with
/// no warning in any silo's log; a rolling upgrade to this source's image under load, through a schema migration the
/// previous release runs beside; the first hq key fetched as the compose file says; writes through nginx read back from
/// every silo; the dashboard through nginx; a silo killed with SIGKILL under load (its retries logged as no warning), one
/// stopped by compose, PostgreSQL restarted by compose; a backup taken under load, restored into a database of its own
/// and served by a silo of its own; reconcile inside a silo container; `down -v` leaving nothing. One test, because each
/// step stands on the stack the steps before it left, and starting the stack is the slow part.
/// </summary>
public sealed class ComposeDrillTests(ITestOutputHelper output)
{
    /// <summary>From SIGKILL to calls succeeding again on the survivors: seconds measured, generous for a busy machine.</summary>
    private static readonly TimeSpan FailoverBound = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    /// <summary>The image docker-compose.yml runs by default: this source's (built by deploy/build-local-images.sh or `up --build`).</summary>
    private const string ThisRelease = "grassroots-silo:local";

    [ComposeFact]
    public async Task TheComposeClusterUpgradesUnderLoadRidesOutFailuresLogsNoFalseAlarmsAndRestoresItsBackup()
    {
        var whole = Stopwatch.StartNew();
        var previous = await PreviousRelease.BuildAsync(output);
        await using var compose = await ComposeCluster.UpAsync(output, previous.Image);
        output.WriteLine($"MEASURED: docker-compose up -d → every service healthy (nginx serving, hq key made) in {compose.TimeToHealthy.TotalSeconds:0.0} s");
        var drill = new Drill(compose, output);
        // silo-1 loads the demo data on the first start (Demo__Load), through the grains: the dashboard shows it, and
        // the drills break silos only once it is in.
        var demo = Stopwatch.StartNew();
        await compose.WaitForLogAsync("silo-1", "Demo data loaded", TimeSpan.FromMinutes(6));
        output.WriteLine($"MEASURED: silo-1 finished loading the demo data {demo.Elapsed.TotalSeconds:0} s after every service was healthy");
        await NoSiloWarnedAsync(compose, "on a healthy start", DateTimeOffset.MinValue, [1, 2, 3]);

        await RollingUpgradeUnderLoadAsync(compose, drill, previous);
        await WritesThroughNginxAreReadFromEverySiloAsync(compose);
        await DashboardThroughNginxAsync(compose);
        await KillOfASiloUnderLoadAsync(compose, drill);
        await StopOfASiloDrainsAsync(compose, drill);
        await PostgresRestartAsync(compose, drill);
        await BackupUnderLoadRestoresIntoADatabaseOfItsOwnAsync(compose);

        var (exit, report) = await compose.ReconcileAsync();
        output.WriteLine($"reconcile in silo-1's container: exit {exit}; {report.Trim().Split('\n').Last()}");
        Assert.True(exit == 0, report);
        Assert.Contains("No differences", report);

        var down = Stopwatch.StartNew();
        await compose.DownAsync();
        var left = await compose.LeftoversAsync();
        Assert.True(left.Count == 0, "docker-compose down -v left:\n" + string.Join("\n", left));
        output.WriteLine($"MEASURED: docker-compose down -v in {down.Elapsed.TotalSeconds:0.0} s, nothing left; the whole drill {whole.Elapsed.TotalSeconds:0} s");
        Assert.True(_alarms.Count == 0, string.Join("\n\n", _alarms));
    }

    /// <summary>
    /// Every line the given silos' current containers logged since <paramref name="since"/> is JSON with an ISO-8601 UTC
    /// timestamp, a level and a category (<see cref="SiloLog"/>), and none is a warning, an error or critical, but
    /// Orleans' reports of what the cluster and the machine did (<see cref="IsClusterEvent"/>), which are listed.
    /// </summary>
    /// <remarks>What it finds is kept in <see cref="_alarms"/>, and the test fails on it at its end: every phase's are told at once.</remarks>
    private async Task NoSiloWarnedAsync(ComposeCluster compose, string when, DateTimeOffset since, int[] silos)
    {
        var (lines, events, alarms) = (0, new List<string>(), 0);
        foreach (var silo in silos)
        {
            var entries = SiloLog.Parse($"silo-{silo}", await compose.ContainerLogAsync($"silo-{silo}")).Where(e => e.Timestamp >= since).ToList();
            lines += entries.Count;
            var found = entries.Where(e => e.IsWarningOrWorse && !IsClusterEvent(e)).ToList();
            alarms += found.Count;
            if (found.Count > 0) _alarms.Add($"silo-{silo} logged {found.Count} warnings or errors {when}:\n{SiloLog.Describe(found)}");
            events.AddRange(entries.Where(e => e.IsWarningOrWorse && IsClusterEvent(e)).Select(e => $"silo-{silo}: {e}"));
        }
        output.WriteLine($"the logs of silos {string.Join(", ", silos)} {when}: {lines} JSON lines with ISO-8601 UTC timestamps, {alarms} warnings or " +
            $"errors of a request, a call, storage or the host; {events.Count} of Orleans' membership and scheduler");
        foreach (var line in events.Take(10)) output.WriteLine("  " + line);
    }

    private readonly List<string> _alarms = [];

    /// <summary>
    /// What Orleans' membership and scheduler report: a silo joining, found unreachable or dead (real events of the
    /// cluster an operator is told of at Warning), a turn that ran long or a probe answered late because this process or
    /// a peer was starved of CPU (this 2-core machine, running three silos, PostgreSQL, nginx and the test's clients).
    /// They describe the cluster and the machine, not a request, and are not what a retried call logs. So does the client
    /// directory's failure to send its routing table to a silo that was killed before membership declared it dead (each
    /// silo sends the table to every other; seen once in a CI run of the kill step, logged at Error by Orleans).
    /// </summary>
    private static bool IsClusterEvent(SiloLog.Entry entry) =>
        entry.Category.StartsWith("Orleans.Runtime.MembershipService.", StringComparison.Ordinal)
        || entry.Category.StartsWith("Orleans.Runtime.Scheduler.", StringComparison.Ordinal)
        || entry.Category == "Orleans.Runtime.Watchdog"
        || (entry.Category == "Orleans.Runtime.GrainDirectory.ClientDirectory"
            && entry.Message.StartsWith("Exception publishing client routing table to silo", StringComparison.Ordinal));

    /// <summary>
    /// Step 2: the silos replaced one at a time with this source's image while eight writers go through nginx, as
    /// docs/operations.md's procedure says: the new image named, `docker-compose up -d --no-deps silo-N` (SIGTERM to the old
    /// container, which drains; the new one starts and applies the new migration), wait until it is healthy, reload nginx.
    /// After the first, the previous release still takes writes on the migrated schema. No answer but 2xx or 503 with
    /// Retry-After, nothing acknowledged lost, every silo on the new image with the same figures, reconcile zero.
    /// </summary>
    private async Task RollingUpgradeUnderLoadAsync(ComposeCluster compose, Drill drill, PreviousRelease previous)
    {
        var newest = previous.NewestMigration;
        Assert.DoesNotContain(newest, await AppliedMigrationsAsync(compose));
        var scenario = await Scenario.CreateAsync(compose, "upgrade", 12);
        var clock = Stopwatch.StartNew();
        await using var writers = new Writers(compose, scenario.Campaign, scenario.Branches, [compose.Nginx], 8, clock);
        await using var readers = new Readers(compose, scenario, [compose.Nginx], clock);
        await Eventually.TrueAsync(() => Task.FromResult(writers.Acknowledged.Count >= 40), "writes to flow through nginx", Generous);

        compose.SiloImage = ThisRelease;
        var direct = new List<string>();
        string? campaignTitle = null;
        var reloads = new List<(TimeSpan From, TimeSpan To)>();
        for (var silo = 1; silo <= ComposeCluster.Silos; silo++)
        {
            var started = clock.Elapsed;
            await compose.ComposeAsync("up", "-d", "--no-deps", "--no-build", $"silo-{silo}");
            await compose.WaitHealthyAsync(Generous, $"silo-{silo}");
            // nginx resolved the silos' names when it started; the new container may have another address.
            var reloading = clock.Elapsed;
            await compose.ComposeAsync("exec", "-T", "nginx", "nginx", "-s", "reload");
            var replaced = clock.Elapsed;
            reloads.Add((reloading, replaced));
            output.WriteLine($"MEASURED: silo-{silo} replaced by {ThisRelease} (stopped, started, healthy, nginx reloaded) in {(replaced - started).TotalSeconds:0.0} s");
            if (silo == 1)
            {
                // The new release applied its migration at start; the previous one, still on silos 2 and 3, writes on.
                Assert.Contains(newest, await AppliedMigrationsAsync(compose));
                foreach (var old in new[] { 2, 3 })
                {
                    Assert.Equal(previous.Image, await compose.ImageOfAsync($"silo-{old}"));
                    using var http = compose.Client(compose.Silo(old));
                    var (branch, session) = (scenario.Branches[old], $"direct-{old}");
                    await Scenario.CheckAsync(await http.PutAsJsonAsync($"/api/branches/{branch}/study-sessions/{session}",
                        new { campaignId = scenario.Campaign, title = "学习会", heldOn = "2020-12-01", format = "offline", attendees = new { total = 9 } }));
                    direct.Add($"{branch}/{session}");
                }
                campaignTitle = await ChangeTheCampaignMidUpgradeAsync(compose, scenario.Campaign);
            }
            await Eventually.TrueAsync(() => Task.FromResult(writers.AcknowledgedAfter(replaced) >= 20), $"writes to go on after silo-{silo} was replaced", Generous);
        }
        await writers.StopAsync();
        await readers.StopAsync();

        output.WriteLine($"MEASURED: rolling upgrade of 3 silos under 8 writers through nginx in {clock.Elapsed.TotalSeconds:0} s; {writers.Acknowledged.Count} records " +
            $"acknowledged, {writers.Failures.Count} refused attempts ({writers.Failures.Count(f => f.RetryAfter)} with Retry-After); {readers.Reads.Count} reads, " +
            $"{readers.Failures.Count} failed");
        // nginx's reload closes the idle keep-alive connections of its old workers: a request sent on one just then gets
        // no answer at all, and is sent again (an HTTP client may resend an idempotent request so, RFC 9110 §9.2.2; the
        // writers and readers do). That is the one failure besides a 503 with Retry-After a client may meet, and only
        // around a reload.
        bool AtAReload(TimeSpan at, string what) => what.StartsWith(nameof(HttpRequestException), StringComparison.Ordinal)
            && reloads.Any(r => at >= r.From && at <= r.To + TimeSpan.FromSeconds(5));
        var wrong = writers.Failures.Where(f => !(f.What.StartsWith("503", StringComparison.Ordinal) && f.RetryAfter) && !AtAReload(f.At, f.What)).ToList();
        Assert.True(wrong.Count == 0, "Answers other than 2xx or 503 with Retry-After during the upgrade:\n" + Drill.Describe(wrong));
        var failedReads = readers.Failures.Where(r => !AtAReload(r.At, r.Failure!)).ToList();
        Assert.True(failedReads.Count == 0, "Reads failed during the upgrade:\n" + string.Join("\n", failedReads.Take(20)));
        output.WriteLine($"requests sent on a connection nginx's reload closed, and sent again: {writers.Failures.Count(f => AtAReload(f.At, f.What))} writes, " +
            $"{readers.Failures.Count(r => AtAReload(r.At, r.Failure!))} reads");
        foreach (var silo in Enumerable.Range(1, ComposeCluster.Silos))
            Assert.Equal(ThisRelease, await compose.ImageOfAsync($"silo-{silo}"));
        await Eventually.ThroughErrorsAsync(async () => (await compose.MembershipAsync()).Count(m => m.Status == SiloStatus.Active) == ComposeCluster.Silos,
            "every silo active in the membership table", Generous);
        await drill.AssertNothingLostAsync(scenario, [.. writers.Acknowledged, .. direct], survivors: [1, 2, 3]);
        // The campaign as it was last acknowledged during the upgrade, whichever silo is asked.
        foreach (var silo in Enumerable.Range(1, ComposeCluster.Silos))
        {
            using var http = compose.Client(compose.Silo(silo));
            var campaign = await (await Scenario.CheckAsync(await http.GetAsync($"/api/campaigns/{scenario.Campaign}"))).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(campaignTitle, campaign.GetProperty("title").GetString());
        }
        // What the migration added answers: the records of the drill, counted by the database.
        var counted = await compose.QueryAsync("SELECT records FROM record_counts WHERE campaign_id = $1 AND kind = 'study-session'", r => r.GetInt64(0), scenario.Campaign);
        Assert.Equal(writers.Acknowledged.Count + direct.Count, Assert.Single(counted));
        await NoSiloWarnedAsync(compose, $"since the upgrade to {ThisRelease} (their healthy start and the others' replacement)", DateTimeOffset.MinValue, [1, 2, 3]);
    }

    /// <summary>
    /// With one silo on the new release and two on the previous, the campaign is renamed through each in turn. The new
    /// release refuses (503 with Retry-After) where its grain holds the campaign, since the previous release's silos read
    /// only their grain state; the previous release's grain takes it, storing it as that release did. No other answer,
    /// and the title last acknowledged is what every silo answers after the upgrade.
    /// </summary>
    private async Task<string> ChangeTheCampaignMidUpgradeAsync(ComposeCluster compose, string campaignId)
    {
        var title = "集群测试";
        var refused = 0;
        for (var i = 1; i <= 6; i++)
        {
            using var http = compose.Client(compose.Silo(1 + i % 3));
            var renamed = $"集群测试（第{i}次更名）";
            using var response = await http.PutAsJsonAsync($"/api/campaigns/{campaignId}", new { title = renamed, startsOn = "2020-11-24" });
            if (response.IsSuccessStatusCode) title = renamed;
            else if (response.StatusCode == HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null) refused++;
            else Assert.Fail($"renaming the campaign through silo-{1 + i % 3} mid-upgrade: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        output.WriteLine($"MEASURED: the campaign renamed 6 times mid-upgrade through the new and the previous release: {6 - refused} taken, {refused} refused with 503");
        return title;
    }

    private static async Task<List<int>> AppliedMigrationsAsync(ComposeCluster compose) =>
        await compose.QueryAsync("SELECT version FROM schema_migrations", r => r.GetInt32(0));

    /// <summary>Step 3: records written through nginx; every silo, asked directly, reports the same national figures.</summary>
    private async Task WritesThroughNginxAreReadFromEverySiloAsync(ComposeCluster compose)
    {
        var scenario = await Scenario.CreateAsync(compose, "compose", 6);
        using var http = compose.Client(compose.Nginx);
        long attendance = 0;
        const int sessions = 30;
        for (var i = 0; i < sessions; i++)
        {
            var total = 5 + i % 11;
            await Scenario.CheckAsync(await http.PutAsJsonAsync($"/api/branches/{scenario.Branches[i % scenario.Branches.Count]}/study-sessions/s{i}",
                new { campaignId = scenario.Campaign, title = "学习会", heldOn = "2020-12-01", format = "offline", attendees = new { total } }));
            attendance += total;
        }
        var agreed = await scenario.WaitForNationalFiguresAsync([1, 2, 3], sessions, attendance);
        var viaNginx = await scenario.NationalAsync(compose.Nginx);
        Assert.Equal(sessions, viaNginx.GetProperty("studySessions").GetInt64());
        Assert.Equal(attendance, viaNginx.GetProperty("attendance").GetInt64());
        output.WriteLine($"MEASURED: {sessions} sessions written through nginx; silos 1, 2 and 3 reported them ({attendance} attendance) " +
            $"{agreed.TotalMilliseconds:0} ms after the last was acknowledged");
    }

    /// <summary>The dashboard, served through the compose nginx, signed in with the hq key; a screenshot beside the test output.</summary>
    private async Task DashboardThroughNginxAsync(ComposeCluster compose)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium.Path, Headless = true, Args = Chromium.Args });
        var page = await browser.NewPageAsync(new()
        {
            ViewportSize = new() { Width = 1280, Height = 900 }, Locale = "zh-CN", TimezoneId = "Asia/Shanghai",
        });
        page.SetDefaultTimeout(30_000);
        var errors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") lock (errors) errors.Add(message.Text); };
        page.PageError += (_, error) => { lock (errors) errors.Add(error); };

        await page.GotoAsync(compose.Nginx.ToString());
        await page.GetByLabel("访问密钥（API key）").FillAsync(compose.HqKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "进入看板" }).ClickAsync();
        var sessions = page.Locator("#totals [data-total='studySessions'] .value");
        await Expect(sessions).ToHaveTextAsync(new Regex(@"\d"), new() { Timeout = 30_000 });

        // The figures the page shows are the API's, through the same nginx, for the campaign it chose.
        var campaign = await page.Locator("#campaign").InputValueAsync();
        using var http = compose.Client(compose.Nginx);
        var national = await (await Scenario.CheckAsync(await http.GetAsync($"/api/rollups/CN?campaignId={campaign}"))).Content.ReadFromJsonAsync<JsonElement>();
        await Expect(sessions).ToHaveTextAsync(national.GetProperty("totals").Number("studySessions"));
        await Expect(page.Locator("#children tbody tr")).ToHaveCountAsync(national.GetProperty("children").GetArrayLength());

        var screenshots = Path.Combine(ComposeCluster.OutputDirectory, "screenshots");
        Directory.CreateDirectory(screenshots);
        var file = Path.Combine(screenshots, "compose-dashboard.png");
        await page.ScreenshotAsync(new() { Path = file });
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "compose-dashboard-full.png"), FullPage = true });
        output.WriteLine($"screenshots of the dashboard through the compose nginx: {file}, and the whole page beside it");
        lock (errors) Assert.True(errors.Count == 0, "The browser reported errors:\n" + string.Join("\n", errors));
    }

    /// <summary>
    /// Step 4: `docker kill -s KILL` of silo-2 while eight writers go through nginx and readers ask nginx and the other
    /// two silos. No acknowledged write is lost, reads go on, and the killed silo's branch grains reactivate on the survivors.
    /// </summary>
    private async Task KillOfASiloUnderLoadAsync(ComposeCluster compose, Drill drill)
    {
        const int victim = 2;
        var scenario = await Scenario.CreateAsync(compose, "kill", 12);
        var probeBranch = await drill.BranchActiveOnAsync(scenario, victim);
        var onVictim = (await drill.BranchesActiveOnAsync(victim)).Where(b => b.StartsWith(scenario.Campaign, StringComparison.Ordinal)).ToList();
        var clock = Stopwatch.StartNew();
        await using var writers = new Writers(compose, scenario.Campaign, scenario.Branches, [compose.Nginx], 8, clock);
        await using var readers = new Readers(compose, scenario, [compose.Nginx, compose.Silo(1), compose.Silo(3)], clock);
        await Eventually.TrueAsync(() => Task.FromResult(writers.Acknowledged.Count >= 40), "writes to flow through nginx", Generous);

        var killedAt = clock.Elapsed;
        var killedAtUtc = DateTimeOffset.UtcNow;
        await ComposeCluster.DockerAsync("kill", "-s", "KILL", await compose.ContainerAsync($"silo-{victim}"));
        var probe = drill.ProbeUntilAcceptedAsync(scenario, probeBranch, compose.Silo(1), clock, FailoverBound);
        var declaredDead = drill.WaitForMembershipAsync($"silo-{victim}", SiloStatus.Dead, clock, FailoverBound);
        var (probeRecord, servedAt) = await probe;
        var deadAt = await declaredDead;
        await Eventually.TrueAsync(() => Task.FromResult(writers.AcknowledgedAfter(servedAt) >= 40 && readers.SucceededAfter(servedAt) >= 20), "writes and reads to go on after the failover",
            Generous);
        await writers.StopAsync();
        await readers.StopAsync();

        var failover = servedAt - killedAt;
        var slowest = readers.Reads.Where(r => r.At >= killedAt).MaxBy(r => r.Took)!;
        output.WriteLine($"MEASURED: docker kill -s KILL silo-{victim} → a branch it held served by silo-1 after {failover.TotalSeconds:0.00} s; " +
            $"membership table marked it dead after {(deadAt - killedAt).TotalSeconds:0.00} s; {writers.Failures.Count} failed write attempts through nginx; " +
            $"{writers.Acknowledged.Count} records acknowledged; {readers.Reads.Count} reads, {readers.Failures.Count} failed, the slowest after the kill " +
            $"{slowest.Took.TotalSeconds:0.00} s ({slowest.Path} via {slowest.Target})");
        foreach (var kind in writers.Failures.GroupBy(f => f.What.Length > 120 ? f.What[..120] : f.What))
            output.WriteLine($"  {kind.Count()} × {kind.Key}");
        Assert.True(failover < FailoverBound, $"The survivors served the killed silo's branch only after {failover}.");
        var outside = writers.Failures.Where(f => f.At < killedAt || f.At > killedAt + FailoverBound).ToList();
        Assert.True(outside.Count == 0, "Write errors outside the failover window:\n" + Drill.Describe(outside));
        Assert.True(readers.Failures.Count == 0, "Reads failed:\n" + string.Join("\n", readers.Failures.Take(20)));
        Assert.True(readers.Reads.Count(r => r.At > killedAt && r.At < servedAt) > 0 || failover < TimeSpan.FromSeconds(1),
            "No read was answered while the cluster failed over.");

        // The branch grains the killed silo held live on the survivors once called again.
        using (var http = compose.Client(compose.Nginx))
            foreach (var branch in onVictim) await Scenario.CheckAsync(await http.GetAsync($"/api/branches/{branch}"));
        var survivors = (await drill.BranchesActiveOnAsync(1)).Union(await drill.BranchesActiveOnAsync(3)).ToHashSet();
        Assert.True(onVictim.Count > 0 && onVictim.All(survivors.Contains),
            $"Branch grains of silo-{victim} ({string.Join(", ", onVictim)}) not all active on silos 1 and 3 ({string.Join(", ", survivors)}).");
        output.WriteLine($"the {onVictim.Count} branch grains of this drill on silo-{victim} are active on silos 1 and 3 now");

        await drill.AssertNothingLostAsync(scenario, [.. writers.Acknowledged, probeRecord], survivors: [1, 3]);
        // Every client call succeeded, retried by nginx and the silos: what the survivors logged meanwhile is no alarm.
        await NoSiloWarnedAsync(compose, $"while silo-{victim} was killed and the calls to it were retried", killedAtUtc, [1, 3]);
        await RestartAsync(compose, victim);
    }

    /// <summary>Step 5: `docker-compose stop silo-3` under load: it turns unready, drains and exits cleanly; no client sees an error.</summary>
    private async Task StopOfASiloDrainsAsync(ComposeCluster compose, Drill drill)
    {
        const int stopping = 3;
        var scenario = await Scenario.CreateAsync(compose, "stop", 12);
        var clock = Stopwatch.StartNew();
        await using var writers = new Writers(compose, scenario.Campaign, scenario.Branches, [compose.Nginx], 8, clock);
        await Eventually.TrueAsync(() => Task.FromResult(writers.Acknowledged.Count >= 40), "writes to flow through nginx", Generous);

        using var readiness = new CancellationTokenSource();
        var seen = new List<string>();
        var answers = Drill.WatchReadinessAsync(compose.Silo(stopping), seen, readiness.Token);
        // The stop goes only once the watch has seen the silo ready, whatever the machine's load.
        await Eventually.TrueAsync(() => Task.FromResult(Drill.Snapshot(seen).Contains("200")), $"silo-{stopping} to answer /readyz 200", Generous);
        var stoppedAt = clock.Elapsed;
        await compose.ComposeAsync("stop", $"silo-{stopping}");
        var exitedAfter = clock.Elapsed - stoppedAt;
        await Eventually.TrueAsync(() => Task.FromResult(writers.AcknowledgedAfter(stoppedAt + exitedAfter) >= 40), "writes to go on after the stop",
            Generous);
        await readiness.CancelAsync();
        await writers.StopAsync();

        var state = await compose.StateAsync($"silo-{stopping}");
        output.WriteLine($"MEASURED: docker-compose stop silo-{stopping} returned after {exitedAfter.TotalSeconds:0.00} s (exit code {state.ExitCode}); " +
            $"/readyz answered {string.Join(" → ", (await answers).Distinct())}; {writers.Acknowledged.Count} records acknowledged, " +
            $"{writers.Failures.Count} failed attempts");
        Assert.True(writers.Failures.Count == 0, "Clients saw errors through nginx:\n" + Drill.Describe(writers.Failures));
        // Unready first, while it still served (Cluster__DrainDelay), and only then gone; and gone by itself, not killed
        // by Docker at the end of stop_grace_period (exit code 137).
        Assert.Equal(["200", "503", "refused"], (await answers).Distinct());
        Assert.Equal(("exited", 0), (state.Status, state.ExitCode));
        Assert.Equal(SiloStatus.Dead, (await compose.MembershipAsync()).Single(m => m.Silo == $"silo-{stopping}").Status);
        var log = await compose.LogsAsync($"silo-{stopping}");
        var shutdown = log[log.LastIndexOf("Application is shutting down", StringComparison.Ordinal)..];
        Assert.DoesNotContain("\"LogLevel\":\"Critical\"", shutdown);
        Assert.DoesNotMatch("\"LogLevel\":\"Error\",\"Category\":\"Grassroots", shutdown);

        await drill.AssertNothingLostAsync(scenario, writers.Acknowledged, survivors: [1, 2]);
        await RestartAsync(compose, stopping);
    }

    /// <summary>
    /// Step 6: `docker-compose restart postgres` under writes through nginx and to each silo: every refusal meanwhile is
    /// a 503 with Retry-After, the silos recover by themselves (the same containers), and nothing acknowledged is lost.
    /// </summary>
    private async Task PostgresRestartAsync(ComposeCluster compose, Drill drill)
    {
        var scenario = await Scenario.CreateAsync(compose, "pg-restart", 8);
        var started = await Task.WhenAll(Enumerable.Range(1, ComposeCluster.Silos).Select(i => compose.StateAsync($"silo-{i}")));
        var clock = Stopwatch.StartNew();
        var targets = new[] { compose.Nginx, compose.Silo(1), compose.Silo(2), compose.Silo(3) };
        await using var writers = new Writers(compose, scenario.Campaign, scenario.Branches, targets, 2, clock);
        await Eventually.TrueAsync(() => Task.FromResult(writers.Acknowledged.Count >= 40), "writes to flow", Generous);
        using var readiness = new CancellationTokenSource();
        var seen = new List<string>();
        var answers = Drill.WatchReadinessAsync(compose.Silo(1), seen, readiness.Token);
        await Eventually.TrueAsync(() => Task.FromResult(Drill.Snapshot(seen).Contains("200")), "silo-1 to answer /readyz 200", Generous);

        var restartAt = clock.Elapsed;
        var restartAtUtc = DateTimeOffset.UtcNow;
        await compose.ComposeAsync("restart", "postgres");
        var restartedAt = clock.Elapsed;
        await Eventually.TrueAsync(() => Task.FromResult(writers.AcknowledgedAfter(restartedAt) >= 40), "writes to be acknowledged again after PostgreSQL came back",
            Generous);
        var recoveredAt = clock.Elapsed;
        await readiness.CancelAsync();
        await writers.StopAsync();

        var failures = writers.Failures.ToList();
        var lastRefusal = failures.Count == 0 ? restartAt : failures.Max(f => f.At);
        output.WriteLine($"MEASURED: docker-compose restart postgres took {(restartedAt - restartAt).TotalSeconds:0.0} s; {failures.Count} refused attempts " +
            $"({failures.Count(f => f.What.StartsWith("503", StringComparison.Ordinal))} of them 503 with Retry-After: " +
            $"{failures.Count(f => f.RetryAfter)}), the last {(lastRefusal - restartAt).TotalSeconds:0.0} s after the restart began; " +
            $"40 writes acknowledged {(recoveredAt - restartedAt).TotalSeconds:0.0} s after the command returned; silo-1's /readyz answered " +
            $"{string.Join(" → ", (await answers).Distinct())}; {writers.Acknowledged.Count} records acknowledged");
        Assert.Contains(failures, f => f.At > restartAt);
        var wrong = failures.Where(f => !f.What.StartsWith("503", StringComparison.Ordinal) || !f.RetryAfter).ToList();
        Assert.True(wrong.Count == 0, "Answers other than 503 with Retry-After (a hang is a TaskCanceledException):\n" + Drill.Describe(wrong));
        Assert.Contains("503", await answers);

        // The same containers, ready again by themselves: none restarted.
        await compose.WaitHealthyAsync(Generous, "silo-1", "silo-2", "silo-3");
        var after = await Task.WhenAll(Enumerable.Range(1, ComposeCluster.Silos).Select(i => compose.StateAsync($"silo-{i}")));
        Assert.Equal(started.Select(s => (s.StartedAt, s.RestartCount)), after.Select(s => (s.StartedAt, s.RestartCount)));
        await drill.AssertNothingLostAsync(scenario, writers.Acknowledged, survivors: [1, 2, 3]);

        // The refusals were logged where they met the outage (a new record's write in its endpoint, a change in its grain
        // call) with the request's trace and span and the branch in scope: what an operator follows from a 503's traceId
        // to its cause.
        var refusals = new List<SiloLog.Entry>();
        for (var silo = 1; silo <= ComposeCluster.Silos; silo++)
            refusals.AddRange(SiloLog.Parse($"silo-{silo}", await compose.ContainerLogAsync($"silo-{silo}"))
                .Where(e => e.Timestamp >= restartAtUtc && (e.Category.EndsWith("ApiProblems", StringComparison.Ordinal)
                    || e.Category.EndsWith("GrainLogScope", StringComparison.Ordinal))));
        Assert.Contains(refusals, e => e.Scopes is var scopes && scopes.ContainsKey("TraceId") && scopes.ContainsKey("SpanId")
            && scopes.TryGetValue("BranchId", out var branch) && scenario.Branches.Contains(branch));
    }

    /// <summary>
    /// Step 8: deploy/backup.sh of the compose cluster while four writers go through nginx; deploy/restore.sh into a
    /// database of its own in the same PostgreSQL; a silo of its own (another cluster id and writer shard) started on it
    /// with `docker-compose run`. Every record acknowledged before the backup began is in it, reconcile is zero there, and
    /// it answers the dashboard's reads, with the demo campaign's figures the cluster has.
    /// </summary>
    private async Task BackupUnderLoadRestoresIntoADatabaseOfItsOwnAsync(ComposeCluster compose)
    {
        var scenario = await Scenario.CreateAsync(compose, "backup", 8);
        var clock = Stopwatch.StartNew();
        await using var writers = new Writers(compose, scenario.Campaign, scenario.Branches, [compose.Nginx], 4, clock);
        await Eventually.TrueAsync(() => Task.FromResult(writers.Acknowledged.Count >= 40), "writes to flow through nginx", Generous);

        var acknowledgedBefore = writers.Acknowledged.ToList();
        var folder = Directory.CreateDirectory(Path.Combine(ComposeCluster.OutputDirectory, "backup")).FullName;
        var file = Path.Combine(folder, $"{compose.Project}.dump");
        var backup = Stopwatch.StartNew();
        var (_, backedUp) = await compose.ScriptAsync("backup.sh", "compose", file);
        var backupTook = backup.Elapsed;
        var backupDone = clock.Elapsed;
        await Eventually.TrueAsync(() => Task.FromResult(writers.AcknowledgedAfter(backupDone) >= 20), "writes to go on after the backup", Generous);
        await writers.StopAsync();
        Assert.True(writers.AcknowledgedAfter(backupDone) > 0 && acknowledgedBefore.Count > 0);

        var (_, restored) = await compose.ScriptAsync("restore.sh", "compose", file, "grassroots_restored");
        output.WriteLine($"MEASURED: deploy/backup.sh compose under 4 writers took {backupTook.TotalSeconds:0.0} s ({new FileInfo(file).Length / 1024} KiB); " +
            $"{backedUp.Trim()}; deploy/restore.sh: {restored.Trim().Split('\n')[0]}");

        var port = FreePorts.Take();
        var container = $"{compose.Project}-restored";
        var restoredDatabase = compose.ConnectionString.Replace("Database=grassroots", "Database=grassroots_restored", StringComparison.Ordinal);
        await compose.ComposeAsync("run", "-d", "--no-deps", "--name", container, "-p", $"127.0.0.1:{port}:8080",
            "-e", "Storage__ConnectionString=Host=postgres;Username=grassroots;Password=grassroots-dev-only;Database=grassroots_restored;Maximum Pool Size=20;GSS Encryption Mode=Disable",
            "-e", "Cluster__ClusterId=grassroots-restored", "-e", $"Cluster__AdvertisedAddress={container}", "-e", "Storage__Shard=restored-1",
            "-e", "Demo__Load=false", "silo-3");
        try
        {
            var silo = new Uri($"http://127.0.0.1:{port}");
            var started = Stopwatch.StartNew();
            await Eventually.ThroughErrorsAsync(async () =>
            {
                using var probe = new HttpClient { BaseAddress = silo, Timeout = TimeSpan.FromSeconds(5) };
                return (await probe.GetAsync("/readyz")).IsSuccessStatusCode;
            }, "the silo on the restored database to be ready", Generous);
            output.WriteLine($"MEASURED: a silo on the restored database was ready {started.Elapsed.TotalSeconds:0.0} s after `docker-compose run`");

            // Every record acknowledged before the backup began, and what the restored database holds is what it serves.
            var inBackup = await StoredSessionsAsync(restoredDatabase, scenario.Campaign);
            var missing = acknowledgedBefore.Where(r => !inBackup.ContainsKey(r)).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} records acknowledged before the backup began are not in it, e.g. {string.Join(", ", missing.Take(5))}");
            var reconcile = await ProcessRunner.RunAsync("docker", ["exec", container, "/app/Grassroots.Silo", "reconcile"], TimeSpan.FromMinutes(5));
            Assert.True(reconcile.ExitCode == 0 && reconcile.Output.Contains("No differences", StringComparison.Ordinal), reconcile.Output + reconcile.Error);

            using var http = compose.Client(silo);
            var national = await (await Scenario.CheckAsync(await http.GetAsync($"/api/rollups/CN?campaignId={scenario.Campaign}"))).Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal(inBackup.Count, national.GetProperty("totals").GetProperty("studySessions").GetInt64());
            Assert.Equal(inBackup.Values.Sum(), national.GetProperty("totals").GetProperty("attendance").GetInt64());
            const string demo = "2020-model-workers";
            using var live = compose.Client(compose.Nginx);
            var liveDemo = await (await Scenario.CheckAsync(await live.GetAsync($"/api/rollups/CN?campaignId={demo}"))).Content.ReadAsStringAsync();
            var restoredDemo = await (await Scenario.CheckAsync(await http.GetAsync($"/api/rollups/CN?campaignId={demo}"))).Content.ReadAsStringAsync();
            Assert.Equal(JsonDocument.Parse(liveDemo).RootElement.GetProperty("totals").ToString(), JsonDocument.Parse(restoredDemo).RootElement.GetProperty("totals").ToString());
            foreach (var read in new[]
                     {
                         "/api/me", "/api/campaigns", $"/api/rollups/CN/series?campaignId={demo}&from=2020-11-24&to=2020-12-31&interval=day",
                         $"/api/reports/honorees?campaignId={demo}&regionCode=CN&top=10", "/api/regions/630102",
                         $"/api/regions/630102/branches?campaignId={scenario.Campaign}&page=1&pageSize=20",
                     })
                await Scenario.CheckAsync(await http.GetAsync(read));
            output.WriteLine($"the restored database holds {inBackup.Count} of the drill's records ({acknowledgedBefore.Count} acknowledged before the backup " +
                $"began, {writers.Acknowledged.Count} in all); reconcile there: no differences; the dashboard's reads answered");
        }
        finally
        {
            await ProcessRunner.RunAsync("docker", ["rm", "-f", container], TimeSpan.FromMinutes(1));
        }
    }

    /// <summary>A campaign's study sessions in the database at <paramref name="connectionString"/>: "branch/session" → attendance.</summary>
    private static async Task<Dictionary<string, long>> StoredSessionsAsync(string connectionString, string campaign)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT branch_id || '/' || session_id, attendees FROM study_sessions WHERE campaign_id = $1 AND NOT voided", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = campaign });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, long>();
        while (await reader.ReadAsync()) rows[reader.GetString(0)] = reader.GetInt32(1);
        return rows;
    }

    /// <summary>Starts a silo's container again (as `docker-compose start` does) and waits until all three are active.</summary>
    private async Task RestartAsync(ComposeCluster compose, int silo)
    {
        var clock = Stopwatch.StartNew();
        await compose.ComposeAsync("start", $"silo-{silo}");
        await compose.WaitHealthyAsync(Generous, $"silo-{silo}");
        // At its first attempt: a silo that finds its writer shard still held exits, and Docker would start it again.
        Assert.Equal(0, (await compose.StateAsync($"silo-{silo}")).RestartCount);
        await Eventually.ThroughErrorsAsync(async () => (await compose.MembershipAsync()).Count(m => m.Status == SiloStatus.Active) == ComposeCluster.Silos,
            "every silo active in the membership table", Generous);
        output.WriteLine($"MEASURED: docker-compose start silo-{silo} → healthy and active again in {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
