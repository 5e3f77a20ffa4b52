using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Grassroots.Domain.Branches;
using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Reconciliation;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Imports;
using Grassroots.Storage;
using Grassroots.TestSupport;
using Xunit.Abstractions;

namespace Grassroots.Silo.FunctionalTests.Approvals;

/// <summary>
/// Two silos over one PostgreSQL, writers on both logging records of a county's month while the county submits it: a
/// write acknowledged is in the submitted figures, a write refused is stored nowhere, and the figures equal a recount of
/// the month's records afterwards — nothing was committed into the month after its figures were taken.
/// </summary>
public sealed class SubmissionRaceTests(ITestOutputHelper output)
{
    private const string Campaign = "race", County = "630102", Month = "2020-12";
    private const int WritersPerSilo = 6, AcknowledgedBeforeSubmitting = 60, RefusalsAfterSubmitting = 30;

    [PostgresFact]
    public async Task AWriteRacingASubmissionIsEitherInItsFiguresOrRefusedNeverBoth()
    {
        await using var first = await GrassrootsApp.StartAsync(StorageProvider.Postgres, "silo-a");
        await using var second = GrassrootsApp.SecondSilo(first, "silo-b");
        _ = second.Server;
        var grains = first.Service<IGrainFactory>();
        await grains.GetGrain<ICampaignGrain>(Campaign).PutAsync(new Campaign(Campaign, "学习劳模精神", new(2020, 11, 24), new(2021, 12, 31), null), "test");
        for (var b = 0; b < 4; b++)
            await grains.GetGrain<IBranchGrain>($"b{b}").PutAsync(new BranchProfile($"城东区工会{b}", County, null, 100, "enterprise"), "test");

        var race = new Race();
        using var stop = new CancellationTokenSource();
        var silos = new[] { first.CreateClient(), second.CreateClient() };
        var writers = silos.SelectMany((client, s) => Enumerable.Range(0, WritersPerSilo).Select(w =>
            Task.Run(() => w == 0 ? race.ImportAsync(client, $"s{s}-i", stop.Token) : race.PutAsync(client, $"s{s}-w{w}", stop.Token)))).ToList();

        await Eventually.TrueAsync(() => Task.FromResult(race.Acknowledged.Count >= AcknowledgedBeforeSubmitting), "writes acknowledged before the submission");
        var submitted = await silos[0].TakeAsync("submit", County, Month, campaign: Campaign);
        var acknowledgedAtSubmission = race.Acknowledged.Count;
        await Eventually.TrueAsync(() => Task.FromResult(race.Refused.Count >= RefusalsAfterSubmitting), "writes refused after the submission");
        stop.Cancel();
        await Task.WhenAll(writers);

        output.WriteLine($"{race.Acknowledged.Count} writes acknowledged ({acknowledgedAtSubmission} when the submission returned), " +
            $"{race.Refused.Count} refused; submitted figures: {submitted.Submitted}");
        Assert.Empty(race.Unexpected);
        var figures = submitted.Submitted!;
        Assert.Equal(race.Acknowledged.Count, figures.StudySessions);
        Assert.Equal(race.Acknowledged.Values.Sum(), figures.Attendance);

        var stored = (await first.Service<Database>().QueryAsync(
            "SELECT branch_id || '/' || session_id, attendees FROM study_sessions WHERE campaign_id = $1 AND region_code = $2 AND NOT voided " +
            "AND held_on >= $3 AND held_on <= $4", [Campaign, County, new DateOnly(2020, 12, 1), new DateOnly(2020, 12, 31)],
            r => (Key: r.GetString(0), Attendance: (long)r.GetInt32(1)))).ToDictionary(r => r.Key, r => r.Attendance);
        Assert.Equal(race.Acknowledged.OrderBy(a => a.Key), stored.OrderBy(s => s.Key));
        Assert.DoesNotContain(race.Refused.Keys, stored.ContainsKey);
        Assert.Empty(await first.Service<Reconciler>().CompareAsync());
    }

    /// <summary>What the writers saw: each record's id with its attendance when acknowledged, the ids refused, anything else.</summary>
    private sealed class Race
    {
        public ConcurrentDictionary<string, long> Acknowledged { get; } = new();
        public ConcurrentDictionary<string, byte> Refused { get; } = new();
        public ConcurrentBag<string> Unexpected { get; } = [];

        /// <summary>New sessions of the month, one PUT at a time, spread over the county's branches.</summary>
        public async Task PutAsync(HttpClient client, string writer, CancellationToken stop)
        {
            for (var seq = 0; !stop.IsCancellationRequested; seq++)
            {
                var (branch, id, total) = ($"b{seq % 4}", $"{writer}-{seq}", 10 + seq % 17);
                using var response = await client.PutAsJsonAsync($"/api/branches/{branch}/study-sessions/{id}", Body(seq, total), CancellationToken.None);
                await RecordAsync(response, $"{branch}/{id}", total);
            }
        }

        /// <summary>New sessions of the month, three rows an import.</summary>
        public async Task ImportAsync(HttpClient client, string writer, CancellationToken stop)
        {
            for (var seq = 0; !stop.IsCancellationRequested; seq++)
            {
                var rows = Enumerable.Range(0, 3).Select(r => (Branch: $"b{r}", Id: $"{writer}-{seq}-{r}", Total: 5 + r)).ToList();
                using var response = await client.PostAsJsonAsync("/api/imports", new
                {
                    studySessions = rows.Select(r => new
                    {
                        branchId = r.Branch, id = r.Id, campaignId = Campaign, title = "学习会", heldOn = Day(seq), format = "offline",
                        attendees = new { total = r.Total },
                    }),
                }, CancellationToken.None);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Unexpected.Add($"import {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    continue;
                }
                var result = (await response.Content.ReadFromJsonAsync<ImportResult>(RecordScenario.Json))!;
                var refused = result.Conflicts.Select(c => (int)c.Index!.Value).ToHashSet();
                foreach (var conflict in result.Conflicts.Where(c => !c.Message.Contains($"dated in {Month} are locked for region {County}", StringComparison.Ordinal)))
                    Unexpected.Add($"import conflict {conflict.Field}: {conflict.Message}");
                for (var r = 0; r < rows.Count; r++)
                {
                    if (refused.Contains(r)) Refused.TryAdd($"{rows[r].Branch}/{rows[r].Id}", 0);
                    else Acknowledged[$"{rows[r].Branch}/{rows[r].Id}"] = rows[r].Total;
                }
            }
        }

        private async Task RecordAsync(HttpResponseMessage response, string key, long total)
        {
            switch (response.StatusCode)
            {
                case HttpStatusCode.Created:
                    Acknowledged[key] = total;
                    break;
                case HttpStatusCode.Conflict when (await response.Content.ReadAsStringAsync()) is var text
                                                  && text.Contains($"\"period\":\"{Month}\"", StringComparison.Ordinal)
                                                  && text.Contains($"\"regionCode\":\"{County}\"", StringComparison.Ordinal):
                    Refused.TryAdd(key, 0);
                    break;
                default:
                    Unexpected.Add($"{key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    break;
            }
        }

        private static object Body(int seq, int total) =>
            new { campaignId = Campaign, title = "学习会", heldOn = Day(seq), format = "offline", attendees = new { total } };

        private static string Day(int seq) => new DateOnly(2020, 12, 1).AddDays(seq % 31).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
    }
}
