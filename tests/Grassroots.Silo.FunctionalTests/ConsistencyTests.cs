using System.Net;
using Grassroots.Domain.Reconciliation;
using Grassroots.Domain.Rollups;
using Grassroots.Silo.Apis;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Records;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests;

/// <summary>
/// Many concurrent creates, corrections, repeats and voids over shared branches: afterwards a recount of the
/// facts matches every stored rollup, and the national figures match what the writers know they left behind.
/// Each worker owns its record ids, so the final state of every record is fixed by the seed.
/// </summary>
public sealed class ConsistencyTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Workers = 16;
    private const int OperationsPerWorker = 125;
    private const int BranchCount = 40;
    private const int Seed = 20201124;

    private static readonly string[] Counties = ["630102", "630103", "630104", "440103", "440104", "440112", "110101", "110102", "310101", "510104"];
    private static readonly (string Id, string Province)[] Honorees =
        [("h1", "630000"), ("h2", "440000"), ("h3", "110000"), ("h4", "310000"), ("h5", "510000"), ("h6", "630000")];
    private static readonly (string Id, DateOnly Starts, DateOnly Ends)[] Campaigns =
        [("c1", new(2020, 11, 24), new(2021, 12, 31)), ("c2", new(2021, 3, 1), new(2021, 6, 30))];

    private static string BranchId(int i) => $"b{i:00}";
    private static string ProvinceOf(string county) => county[..2] + "0000";

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task ConcurrentWritesCorrectionsAndVoidsLeaveEveryRollupExact(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        foreach (var (id, starts, ends) in Campaigns) await AddCampaignAsync(app, id, starts, ends);
        for (var i = 0; i < BranchCount; i++) await AddBranchAsync(app, BranchId(i), Counties[i % Counties.Length]);
        foreach (var (id, province) in Honorees) await AddHonoreeAsync(app, id, province);
        var client = app.CreateClient();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var running = Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(() => RunWorkerAsync(client, w))));
        // Reconcile while the writes go on: it reads one snapshot, so what commits meanwhile is never a difference.
        var reconciledDuringWrites = 0;
        while (!running.IsCompleted)
        {
            Assert.Empty(await app.Service<Reconciler>().CompareAsync());
            reconciledDuringWrites++;
        }
        var workers = await running;
        output.WriteLine($"reconciled {reconciledDuringWrites} times while the writes went on");
        var records = workers.SelectMany(w => w).ToList();
        output.WriteLine($"{Workers * OperationsPerWorker} operations in {clock.Elapsed.TotalSeconds:F1} s: {records.Count} records, " +
            $"{records.Count(r => r.Voided)} voided, on {records.Select(r => r.Branch).Distinct().Count()} branches");
        Assert.Contains(records, r => r.Voided);
        Assert.True(records.Select(r => r.Branch).Distinct().Count() >= 30);

        Assert.Empty(await app.Service<Reconciler>().CompareAsync());

        var countyOf = Enumerable.Range(0, BranchCount).ToDictionary(BranchId, i => Counties[i % Counties.Length]);
        foreach (var (campaign, _, _) in Campaigns)
        {
            var live = records.Where(r => !r.Voided && r.CampaignId == campaign).ToList();
            var cn = await client.RollupAsync("CN", $"campaignId={campaign}");
            Assert.Equal(Expected(live, BranchCount), cn.Totals);
            foreach (var province in Counties.Select(ProvinceOf).Distinct())
            {
                var registered = countyOf.Values.Count(c => ProvinceOf(c) == province);
                Assert.Equal(Expected([.. live.Where(r => ProvinceOf(countyOf[r.Branch]) == province)], registered),
                    cn.Children.Single(c => c.Code == province).Totals);
            }
            await app.SettleAsync();
            foreach (var (honoree, _) in Honorees)
            {
                var talks = live.Where(r => r.Body is HonoreeTalkRequest t && t.HonoreeIds!.Contains(honoree)).ToList();
                var figures = await app.Service<RollupReplica>().GetHonoreeAsync(honoree, campaign);
                Assert.Equal((talks.Count, talks.Sum(t => (long)((HonoreeTalkRequest)t.Body).Audience!.Value),
                        talks.Sum(t => (long)(((HonoreeTalkRequest)t.Body).OnlineViews ?? 0)),
                        talks.Select(t => ProvinceOf(countyOf[t.Branch])).Distinct().Count()),
                    (figures.Talks, figures.Audience, figures.OnlineViews, figures.ProvincesReached));
            }
        }

        // The recount has teeth: one stored figure off by one is reported, as the row it is in.
        await app.Service<Database>().ExecuteAsync(
            "UPDATE county_days SET attendance = attendance + 1 WHERE campaign_id = 'c2' AND day = (SELECT MIN(day) FROM county_days WHERE campaign_id = 'c2')", []);
        Assert.All(await app.Service<Reconciler>().CompareAsync(), d => Assert.Equal("county_days", d.Table));
    }

    /// <summary>The totals a rollup must show for these non-voided records of one campaign.</summary>
    private static TotalsDto Expected(IReadOnlyList<Logged> live, long registered)
    {
        var sessions = live.Select(r => r.Body).OfType<StudySessionRequest>().ToList();
        var talks = live.Select(r => r.Body).OfType<HonoreeTalkRequest>().ToList();
        var items = live.Select(r => r.Body).OfType<PublicityRequest>().ToList();
        var competitions = live.Select(r => r.Body).OfType<CompetitionRequest>().ToList();
        var active = live.Select(r => r.Branch).Distinct().Count();
        return new TotalsDto(sessions.Count, sessions.Sum(s => (long)s.Attendees!.Total!.Value),
            sessions.Sum(s => (long)(s.Attendees!.Frontline ?? 0)), sessions.Sum(s => (long)(s.Attendees!.Youth ?? 0)),
            sessions.Sum(s => (long)(s.Attendees!.Women ?? 0)), talks.Count, talks.Sum(t => (long)t.Audience!.Value),
            sessions.Sum(s => (long)(s.OnlineViews ?? 0)) + talks.Sum(t => (long)(t.OnlineViews ?? 0)),
            items.Count, items.Sum(p => (long)(p.Reach ?? 0)), competitions.Count, competitions.Sum(c => (long)c.Participants!.Total!.Value),
            competitions.Sum(c => (long)(c.Awardees ?? 0)), active, registered,
            registered == 0 ? 0 : Math.Round((double)active / registered, 4));
    }

    /// <summary>One worker's sequence of operations on its own records; returns their final state.</summary>
    private static async Task<List<Logged>> RunWorkerAsync(HttpClient client, int worker)
    {
        var random = new Random(Seed + worker);
        var records = new List<Logged>();
        for (var op = 0; op < OperationsPerWorker; op++)
        {
            var live = records.Where(r => !r.Voided).ToList();
            var roll = random.NextDouble();
            if (live.Count == 0 || roll < 0.35)
            {
                var kind = random.Next(Paths.Length);
                var path = $"/api/branches/{BranchId(random.Next(BranchCount))}/{Paths[kind]}/w{worker:00}-{records.Count}";
                var record = new Logged(path, NewBody(kind, random));
                var response = await client.PutAsync(path, record.Body);
                record.Version = await VersionAsync(response, HttpStatusCode.Created);
                records.Add(record);
            }
            else if (roll < 0.65)
            {
                var record = live[random.Next(live.Count)];
                record.Body = NewBody(Array.IndexOf(Paths, record.Path.Split('/')[4]), random);
                record.Version = await VersionAsync(await client.PutAsync(record.Path, record.Body), HttpStatusCode.OK);
            }
            else if (roll < 0.8)
            {
                var record = live[random.Next(live.Count)];
                Assert.Equal(record.Version, await VersionAsync(await client.PutAsync(record.Path, record.Body), HttpStatusCode.OK));
            }
            else if (roll < 0.92)
            {
                var record = live[random.Next(live.Count)];
                Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{record.Path}?reason=op-{op}")).StatusCode);
                record.Voided = true;
            }
            else if (records.FirstOrDefault(r => r.Voided) is { } voided)
            {
                await (await client.PutAsync(voided.Path, NewBody(Array.IndexOf(Paths, voided.Path.Split('/')[4]), random)))
                    .AssertProblemAsync(HttpStatusCode.Conflict);
            }
        }
        return records;
    }

    private static readonly string[] Paths = ["study-sessions", "honoree-talks", "publicity", "competitions"];

    private static async Task<long> VersionAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("version").GetInt64();
    }

    private static object NewBody(int kind, Random random)
    {
        var (campaign, starts, ends) = Campaigns[random.Next(Campaigns.Length)];
        var day = starts.AddDays(random.Next(ends.DayNumber - starts.DayNumber + 1));
        int? Maybe(int max) => random.Next(4) == 0 ? null : random.Next(max + 1);
        T Pick<T>(IReadOnlyList<T> values) => values[random.Next(values.Count)];
        switch (kind)
        {
            case 0:
                var total = random.Next(501);
                return new StudySessionRequest(campaign, $"学习会 {random.Next(1000)}", day, Pick(StudySessionsApi.Formats),
                    random.Next(3) == 0 ? null : Pick(StudySessionsApi.Kinds), new AttendeesRequest(total, Maybe(total), Maybe(total), Maybe(total)),
                    Maybe(20_000), random.Next(5) == 0 ? "笔记" : null);
            case 1:
                // Repeated ids in any order: the service keeps each once, and the expected figures count each once.
                var ids = Enumerable.Range(0, 1 + random.Next(3)).Select(_ => Honorees[random.Next(Honorees.Length)].Id).ToList();
                return new HonoreeTalkRequest(campaign, [.. ids], null, day,
                    Pick(HonoreeTalksApi.Venues), Pick(HonoreeTalksApi.Formats), random.Next(2001), Maybe(50_000));
            case 3:
                var participants = random.Next(301);
                return new CompetitionRequest(campaign, $"技能比武 {random.Next(1000)}", Pick(CompetitionsApi.Kinds), day,
                    random.Next(2) == 0 ? null : day.AddDays(random.Next(10)), new AttendeesRequest(participants, Maybe(participants), null, Maybe(participants)),
                    Maybe(participants), null);
            default:
                return new PublicityRequest(campaign, Pick(PublicityApi.Channels), "青海日报", $"报道 {random.Next(1000)}",
                    random.Next(2) == 0 ? null : $"https://example.org/{random.Next(1000)}", day, Maybe(100_000));
        }
    }

    private sealed class Logged(string path, object body)
    {
        public string Path { get; } = path;
        public string Branch => Path.Split('/')[3];
        public object Body { get; set; } = body;
        public string CampaignId => Body switch
        {
            StudySessionRequest s => s.CampaignId!,
            HonoreeTalkRequest t => t.CampaignId!,
            CompetitionRequest c => c.CampaignId!,
            _ => ((PublicityRequest)Body).CampaignId!,
        };
        public long Version { get; set; }
        public bool Voided { get; set; }
    }
}
