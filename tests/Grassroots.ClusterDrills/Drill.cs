using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Grassroots.TestSupport;
using Xunit.Abstractions;

namespace Grassroots.ClusterDrills;

/// <summary>The steps and checks of a fault drill that do not depend on how the cluster was started or broken.</summary>
public sealed class Drill(ITestCluster cluster, ITestOutputHelper output)
{
    /// <summary>Every acknowledged record is stored (and nothing else), every given silo reports them, reconcile is zero.</summary>
    public async Task AssertNothingLostAsync(Scenario scenario, IReadOnlyCollection<string> acknowledged, int[] survivors)
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

    /// <summary>The ids of the branch grains active on silo <paramref name="silo"/> now (by its newest membership row).</summary>
    public async Task<HashSet<string>> BranchesActiveOnAsync(int silo)
    {
        var row = (await cluster.MembershipAsync()).Single(m => m.Silo == $"silo-{silo}");
        var statistics = await cluster.Orleans.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return statistics
            .Where(g => g.GrainId.Type.ToString() == "branch" && g.SiloAddress.Endpoint.Port == row.Port
                && g.SiloAddress.Endpoint.Address.ToString() == row.Address)
            .Select(g => g.GrainId.Key.ToString()!).ToHashSet();
    }

    /// <summary>
    /// A branch whose branch grain is active on <paramref name="silo"/>: one of the scenario's, or else one registered
    /// through that silo (placement may put it anywhere, so until one lands there).
    /// </summary>
    public async Task<string> BranchActiveOnAsync(Scenario scenario, int silo)
    {
        using var http = cluster.Client(cluster.Silo(silo));
        if (scenario.Branches.FirstOrDefault((await BranchesActiveOnAsync(silo)).Contains) is { } found) return found;
        for (var i = 0; i < 40; i++)
        {
            var branch = $"{scenario.Campaign}-p{i}";
            await Scenario.CheckAsync(await http.PutAsJsonAsync($"/api/branches/{branch}", new { name = "探测工会", regionCode = "630102", memberCount = 1 }));
            if ((await BranchesActiveOnAsync(silo)).Contains(branch)) return branch;
        }
        throw new InvalidOperationException($"No branch grain could be placed on silo-{silo}.");
    }

    /// <summary>Writes one new record of <paramref name="branch"/> to <paramref name="at"/>, again and again, until it is accepted.</summary>
    public async Task<(string Record, TimeSpan At)> ProbeUntilAcceptedAsync(Scenario scenario, string branch, Uri at, Stopwatch clock, TimeSpan limit)
    {
        using var http = cluster.Client(at, limit);
        var (record, path) = ($"{branch}/probe", $"/api/branches/{branch}/study-sessions/probe");
        var body = new { campaignId = scenario.Campaign, title = "探测", heldOn = "2020-12-01", format = "offline", attendees = new { total = 1 } };
        var deadline = clock.Elapsed + limit;
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
        throw new TimeoutException($"{at} did not accept a write of {branch} within {limit}.");
    }

    /// <summary>Waits until the membership table gives <paramref name="silo"/> <paramref name="status"/>; returns when, on <paramref name="clock"/>.</summary>
    public async Task<TimeSpan> WaitForMembershipAsync(string silo, SiloStatus status, Stopwatch clock, TimeSpan limit)
    {
        await Eventually.ThroughErrorsAsync(async () => (await cluster.MembershipAsync()).Single(m => m.Silo == silo).Status == status,
            $"{silo} to be {status} in the membership table", limit);
        return clock.Elapsed;
    }

    /// <summary>
    /// Asks /readyz every 50 ms until stopped, adding each answer to <paramref name="answers"/> as it comes ("200", "503",
    /// "refused" when nothing listens, "timeout"); returns them all. Read them meanwhile with <see cref="Snapshot"/>.
    /// </summary>
    public static async Task<List<string>> WatchReadinessAsync(Uri silo, List<string> answers, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = silo, Timeout = TimeSpan.FromSeconds(5) };
        void Add(string answer)
        {
            lock (answers) answers.Add(answer);
        }
        while (!stop.IsCancellationRequested)
        {
            try
            {
                using var response = await http.GetAsync("/readyz", CancellationToken.None);
                Add(((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            }
            catch (HttpRequestException)
            {
                Add("refused");
            }
            catch (TaskCanceledException)
            {
                Add("timeout");
            }
            await Task.Delay(50, CancellationToken.None);
        }
        return Snapshot(answers);
    }

    public static List<string> Snapshot(List<string> answers)
    {
        lock (answers) return [.. answers];
    }

    public static string Describe(IEnumerable<Writers.Failure> failures) =>
        string.Join("\n", failures.OrderBy(f => f.At).Take(20).Select(f => $"{f.At.TotalSeconds:0.00}s via {f.Target}: {f.What}"));
}
