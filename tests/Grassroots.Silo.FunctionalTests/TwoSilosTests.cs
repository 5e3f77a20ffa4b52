using System.Net;
using Grassroots.Domain.Branches;
using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Model;
using Grassroots.Domain.Reconciliation;
using Grassroots.Domain.Records;
using Grassroots.Domain.Rollups;
using Grassroots.Silo.FunctionalTests.Security;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Grassroots.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests;

/// <summary>
/// Two silos over one PostgreSQL, as in a cluster: each writes its own rollup shard, each holds the figures of both in
/// its own replica, and the same grain active in both is kept honest by version checks.
/// </summary>
public sealed class TwoSilosTests
{
    private const string Campaign = "c-2020";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [PostgresFact]
    public async Task AWriteOnOneSiloReachesTheOtherSilosNationalRollup()
    {
        await using var first = await GrassrootsApp.StartAsync(StorageProvider.Postgres, "silo-a");
        await using var second = GrassrootsApp.SecondSilo(first, "silo-b");
        _ = second.Server;
        var a = first.Service<IGrainFactory>();
        await SeedAsync(a, "b1", "630102");
        var onB = second.Service<RollupReplica>();
        Assert.Equal(0, (await onB.GetTotalsAsync("CN", Campaign, null, null)).StudySessions);

        await first.Service<RecordIntake>().CreateAsync("b1", "s1", Session(45), "test");

        var seen = await PollAsync(async () => await onB.GetTotalsAsync("CN", Campaign, null, null), t => t.StudySessions == 1);
        Assert.Equal(45, seen.Attendance);
        Assert.Equal(1, seen.ActiveBranches);
    }

    [PostgresFact]
    public async Task ARollupReadIsAnsweredOnTheSiloItLandsOnWithoutAGrainCall()
    {
        var calls = new GrainCallCounter();
        void Count(IServiceCollection services) => services.AddSingleton<IOutgoingGrainCallFilter>(calls);
        await using var first = await GrassrootsApp.StartAsync(StorageProvider.Postgres, "silo-a", services: Count);
        await using var second = GrassrootsApp.SecondSilo(first, "silo-b", Count);
        _ = second.Server;
        await SeedAsync(first.Service<IGrainFactory>(), "b1", "630102");
        await first.Service<RecordIntake>().CreateAsync("b1", "s1", Session(45), "test");
        await second.Service<RecordIntake>().CreateAsync("b1", "s2", Session(30, day: 1), "test");
        await first.SettleAsync();
        await second.SettleAsync();
        string[] reads =
        [
            $"/api/rollups/CN?campaignId={Campaign}", $"/api/rollups/630000?campaignId={Campaign}",
            $"/api/rollups/630102?campaignId={Campaign}&from=2020-12-01&to=2020-12-31",
            $"/api/rollups/630100/series?campaignId={Campaign}&interval=week&from=2020-11-30&to=2020-12-13",
        ];
        var (onA, onB) = (first.RawClient(), second.RawClient());
        foreach (var client in new[] { onA, onB })
            foreach (var read in reads) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(read)).StatusCode); // key and campaign now known here

        calls.Reset();
        for (var i = 0; i < 20; i++)
            foreach (var read in reads)
                Assert.Equal(Figures(await onA.GetStringAsync(read)), Figures(await onB.GetStringAsync(read)));
        Assert.Empty(calls.Calls);
        Assert.Contains("\"studySessions\":2", await onB.GetStringAsync(reads[0]));

        // A read's answer without the moment it was made (asOf), which differs between the two silos.
        static string Figures(string body) => System.Text.RegularExpressions.Regex.Replace(body, "\"asOf\":\"[^\"]*\"", "");
    }

    /// <summary>Every grain call a silo makes to the service's own grains and grain services (Orleans' own are left out).</summary>
    private sealed class GrainCallCounter : IOutgoingGrainCallFilter
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _calls = new();

        public IEnumerable<string> Calls => _calls;

        public void Reset() => _calls.Clear();

        public Task Invoke(IOutgoingGrainCallContext context)
        {
            if (context.InterfaceName.StartsWith("Grassroots", StringComparison.Ordinal)) _calls.Enqueue($"{context.InterfaceName}.{context.MethodName}");
            return context.Invoke();
        }
    }

    [PostgresFact]
    public async Task OneBranchWrittenFromBothSilosStaysExact()
    {
        await using var first = await GrassrootsApp.StartAsync(StorageProvider.Postgres, "silo-a");
        await using var second = GrassrootsApp.SecondSilo(first, "silo-b");
        _ = second.Server;
        var a = first.Service<IGrainFactory>();
        var b = second.Service<IGrainFactory>();
        await SeedAsync(a, "b1", "630102");

        // The branch grain is active on both silos; every record commit there bumps branch_activity, so a silo
        // holding an old picture of the branch's records conflicts, reloads and decides again.
        await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            (i % 2 == 0 ? a : b).GetGrain<IStudySessionGrain>($"b1/s{i}").PutAsync(Session(10 + i, day: i), "test")));
        // Void the earliest records from the other silo than wrote them: activity must move to the next day exactly.
        await b.GetGrain<IStudySessionGrain>("b1/s0").VoidAsync("duplicate", "test");
        await a.GetGrain<IStudySessionGrain>("b1/s1").VoidAsync("duplicate", "test");

        // The same record corrected from both silos: the second works from a stale version and must reload.
        Assert.Equal(12, (await b.GetGrain<IStudySessionGrain>("b1/s2").GetAsync())!.Data is StudySession { Attendees.Total: var total } ? total : -1);
        await a.GetGrain<IStudySessionGrain>("b1/s2").PutAsync(Session(50, day: 2), "test");
        var corrected = await b.GetGrain<IStudySessionGrain>("b1/s2").PutAsync(Session(60, day: 2), "test");
        Assert.Equal(3, corrected.Record.Version);

        Assert.Empty(await first.Service<Reconciler>().CompareAsync());
        var expected = Enumerable.Range(2, 38).Sum(i => 10 + i) - 12 + 60;
        var (onA, onB) = (first.Service<RollupReplica>(), second.Service<RollupReplica>());
        foreach (var replica in new[] { onA, onB })
        {
            // The national figures were loaded at start and are kept by the batches both silos commit (a peer's reach
            // this silo in a message after its commit); the province's are loaded by this first read, from the database.
            var national = await PollAsync(async () => await replica.GetTotalsAsync("CN", Campaign, null, null),
                t => t.StudySessions == 38 && t.Attendance == expected);
            Assert.Equal(1, national.ActiveBranches);
            Assert.Equal(national, await replica.GetTotalsAsync("630000", Campaign, null, null));
        }
        // The records of Dec 1 and 2 were voided, so the branch became active on Dec 3, not before.
        Assert.Equal(0, (await onA.GetTotalsAsync("CN", Campaign, null, new DateOnly(2020, 12, 2))).ActiveBranches);
        Assert.Equal(1, (await onB.GetTotalsAsync("CN", Campaign, null, new DateOnly(2020, 12, 3))).ActiveBranches);
    }

    [PostgresFact]
    public async Task ARevokedKeyAndAChangedCampaignHoldOnTheOtherSiloAtOnce()
    {
        await using var first = await GrassrootsApp.StartAsync(StorageProvider.Postgres, "silo-a");
        await using var second = GrassrootsApp.SecondSilo(first, "silo-b");
        _ = second.Server;
        await SeedAsync(first.Service<IGrainFactory>(), "b1", "630102");
        var key = await first.IssueAsync(Silo.Security.Roles.Branch, "b1");

        // Silo b checks the key and the campaign, and keeps both.
        var onB = second.ClientWith(key);
        Assert.Equal(HttpStatusCode.Created, (await onB.PutAsync("/api/branches/b1/study-sessions/s1", Body("2021-06-01"))).StatusCode);

        // Changed through silo a: silo b holds no old copy once the change is acknowledged.
        Assert.Equal(HttpStatusCode.OK, (await first.CreateClient().PutAsync($"/api/campaigns/{Campaign}",
            new { title = "学习劳模精神", startsOn = "2020-11-24", endsOn = "2021-03-31" })).StatusCode);
        await (await onB.PutAsync("/api/branches/b1/study-sessions/s2", Body("2021-06-01"))).AssertProblemAsync(HttpStatusCode.BadRequest, "heldOn");
        Assert.Equal(HttpStatusCode.NoContent, (await first.CreateClient().DeleteAsync($"/api/keys/{Keys.KeyIdOf(key)}")).StatusCode);
        await (await onB.GetAsync("/api/branches/b1")).AssertProblemAsync(HttpStatusCode.Unauthorized);
    }

    private static object Body(string heldOn) => new
    {
        campaignId = Campaign, title = "学习会", heldOn, format = "offline", attendees = new { total = 10 },
    };

    private static async Task SeedAsync(IGrainFactory grains, string branchId, string county)
    {
        await grains.GetGrain<ICampaignGrain>(Campaign).PutAsync(new Campaign(Campaign, "学习劳模精神", new(2020, 11, 24), new(2021, 12, 31), null), "test");
        await grains.GetGrain<IBranchGrain>(branchId).PutAsync(new BranchProfile("城东区某厂工会", county, null, 100, "enterprise"), "test");
    }

    /// <summary>A session held <paramref name="day"/> days after 2020-12-01.</summary>
    private static StudySession Session(int attendees, int day = 0) =>
        new(Campaign, "学习会", new DateOnly(2020, 12, 1).AddDays(day), "offline", "group-study", new Attendance(attendees, null, null, null), null, null);

    /// <summary>Reads until the condition holds; the limit only guards against hanging.</summary>
    private static async Task<Totals> PollAsync(Func<Task<Totals>> read, Func<Totals, bool> done)
    {
        using var limit = new CancellationTokenSource(Limit);
        while (true)
        {
            var totals = await read();
            if (done(totals)) return totals;
            await Task.Delay(50, limit.Token);
        }
    }
}
