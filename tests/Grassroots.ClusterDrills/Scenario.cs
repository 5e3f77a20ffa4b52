using System.Net.Http.Json;
using System.Text.Json;
using Grassroots.TestSupport;

namespace Grassroots.ClusterDrills;

/// <summary>What each cluster test stands on: a campaign and branches of its own, so tests never see each other's figures.</summary>
public sealed class Scenario(ITestCluster cluster, string campaign, IReadOnlyList<string> branches)
{
    /// <summary>County codes in six provinces: national figures then sum over several region grains.</summary>
    private static readonly string[] Counties = ["630102", "440106", "110101", "310101", "510104", "420102"];

    public string Campaign => campaign;
    public IReadOnlyList<string> Branches => branches;

    public static async Task<Scenario> CreateAsync(ITestCluster cluster, string name, int branchCount)
    {
        var id = $"{name}-{Guid.NewGuid().ToString("N")[..6]}";
        using var http = cluster.Client(cluster.Nginx);
        // A campaign is not changed while a silo of an earlier release runs (503 with Retry-After): right after an
        // upgrade, a silo may not have seen the last old one leave yet.
        await CheckAsync(await RetriedAfterAsync(() => http.PutAsJsonAsync($"/api/campaigns/{id}", new { title = "集群测试", startsOn = "2020-11-24" })));
        var branches = Enumerable.Range(0, branchCount).Select(i => $"{id}-b{i}").ToList();
        for (var i = 0; i < branches.Count; i++)
            await CheckAsync(await http.PutAsJsonAsync($"/api/branches/{branches[i]}",
                new { name = $"测试工会{i}", regionCode = Counties[i % Counties.Length], memberCount = 50 }));
        return new Scenario(cluster, id, branches);
    }

    /// <summary>The campaign's national totals as one silo (or nginx) answers them.</summary>
    public async Task<JsonElement> NationalAsync(Uri at)
    {
        using var http = cluster.Client(at, TimeSpan.FromSeconds(20));
        using var response = await CheckAsync(await http.GetAsync($"/api/rollups/CN?campaignId={campaign}"));
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("totals");
    }

    /// <summary>The campaign's study sessions in the database: "branch/session" → attendance.</summary>
    public async Task<Dictionary<string, long>> StoredSessionsAsync() =>
        (await cluster.QueryAsync("SELECT branch_id || '/' || session_id, attendees FROM study_sessions WHERE campaign_id = $1 AND NOT voided",
            r => (r.GetString(0), (long)r.GetInt32(1)), campaign)).ToDictionary(r => r.Item1, r => r.Item2);

    /// <summary>Waits until every running silo reports <paramref name="sessions"/> and <paramref name="attendance"/>; returns how long that took.</summary>
    public async Task<TimeSpan> WaitForNationalFiguresAsync(IEnumerable<int> silos, long sessions, long attendance)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var last = "";
        foreach (var silo in silos)
        {
            try
            {
                await Eventually.ThroughErrorsAsync(async () =>
                {
                    var totals = await NationalAsync(cluster.Silo(silo));
                    last = $"silo-{silo}: {totals}";
                    return totals.GetProperty("studySessions").GetInt64() == sessions && totals.GetProperty("attendance").GetInt64() == attendance;
                }, $"silo-{silo} to report {sessions} sessions and {attendance} attendance", TimeSpan.FromSeconds(60));
            }
            catch (Xunit.Sdk.XunitException error)
            {
                throw new Xunit.Sdk.XunitException($"{error.Message} Last answer: {last}");
            }
        }
        return started.Elapsed;
    }

    /// <summary>Sends again after a 503's Retry-After, as a client should, for at most a minute.</summary>
    private static async Task<HttpResponseMessage> RetriedAfterAsync(Func<Task<HttpResponseMessage>> send)
    {
        var until = DateTime.UtcNow.AddMinutes(1);
        while (true)
        {
            var response = await send();
            if (response.StatusCode != System.Net.HttpStatusCode.ServiceUnavailable || response.Headers.RetryAfter?.Delta is not { } wait
                || DateTime.UtcNow + wait > until)
                return response;
            response.Dispose();
            await Task.Delay(wait);
        }
    }

    public static async Task<HttpResponseMessage> CheckAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: " +
                $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response;
    }
}
