using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Grassroots.Throughput;

/// <summary>
/// How soon a record one silo acknowledged shows in the national rollup another silo serves: probes of a campaign of
/// their own (so the bench's load never moves the count they wait for), idle and while connections ingest through nginx.
/// </summary>
public sealed record Freshness(string Name, double[] DelaysMs, int Missed)
{
    private const string ProbeCampaign = "probe";
    private const string ProbeBranch = "probe-000001";

    /// <summary>A probe that has not shown after this long is counted as missed rather than holding up the run.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(30);

    public double Percentile(double p) => DelaysMs.Length == 0 ? double.NaN : DelaysMs[(int)Math.Min(DelaysMs.Length - 1, p * DelaysMs.Length)];

    /// <summary>The probes' campaign, and their branch in <paramref name="county"/>.</summary>
    public static async Task SeedAsync(HttpClient http, string county)
    {
        IngestBench.Ensure(await http.PutAsync($"/api/campaigns/{ProbeCampaign}",
            IngestBench.Json("""{"title":"新鲜度探针","startsOn":"2020-11-24"}""")), HttpStatusCode.Created);
        IngestBench.Ensure(await http.PutAsync($"/api/branches/{ProbeBranch}",
            IngestBench.Json($$"""{"name":"探针工会","regionCode":"{{county}}","memberCount":50,"kind":"enterprise"}""")), HttpStatusCode.Created);
    }

    /// <summary>
    /// Probes numbered from <paramref name="first"/>: each PUT of one new probe session to the writer (silo-1), and from
    /// its acknowledgement, national rollup reads of the probe campaign from the other silos in turn, back to back, until
    /// one counts it.
    /// </summary>
    public static async Task<Freshness> ProbeAsync(string name, HttpClient writer, HttpClient[] readers, int probes, int first)
    {
        Console.WriteLine($"== freshness, {name}: {probes} probes, acknowledged by silo-1, read from silo-2 to silo-{readers.Length + 1} in turn");
        var delays = new List<double>(probes);
        var missed = 0;
        for (var k = 0; k < probes; k++)
        {
            var n = first + k;
            IngestBench.Ensure(await writer.PutAsync($"/api/branches/{ProbeBranch}/study-sessions/p{n}", IngestBench.Json(
                $$$"""{"campaignId":"{{{ProbeCampaign}}}","title":"新鲜度探针","heldOn":"2021-03-01","format":"offline","kind":"group-study","attendees":{"total":10}}""")),
                HttpStatusCode.Created);
            var acknowledged = Stopwatch.GetTimestamp();
            var reader = readers[k % readers.Length];
            while (true)
            {
                if (await StudySessionsAsync(reader) >= n)
                {
                    delays.Add(Stopwatch.GetElapsedTime(acknowledged).TotalMilliseconds);
                    break;
                }
                if (Stopwatch.GetElapsedTime(acknowledged) > ProbeTimeout)
                {
                    missed++;
                    break;
                }
            }
        }
        var result = new Freshness(name, [.. delays.Order()], missed);
        Console.WriteLine($"  [{name}] p50 {result.Percentile(0.5):F1} ms, p99 {result.Percentile(0.99):F1} ms, max {result.Percentile(1):F1} ms" +
            (missed > 0 ? $", {missed} not seen within {ProbeTimeout.TotalSeconds:0} s" : ""));
        return result;
    }

    /// <summary>The probes again while <paramref name="connections"/> connections ingest through <paramref name="front"/> without pause.</summary>
    public static async Task<Freshness> UnderLoadAsync(HttpClient front, HttpClient writer, HttpClient[] readers, int connections, int branches, int probes)
    {
        var (records, refused, stop) = (0L, 0L, false);
        var load = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            var step = IngestBench.IngestStep(front, branches, () => Interlocked.Increment(ref refused));
            while (!Volatile.Read(ref stop)) Interlocked.Add(ref records, await step());
        })).ToArray();
        Console.WriteLine($"== background ingest through nginx, {connections} connections; probing after 5 s");
        await Task.Delay(TimeSpan.FromSeconds(5));
        var (startRecords, started) = (Interlocked.Read(ref records), Stopwatch.GetTimestamp());
        var result = await ProbeAsync("under load", writer, readers, probes, first: probes + 1);
        var rate = (Interlocked.Read(ref records) - startRecords) / Stopwatch.GetElapsedTime(started).TotalSeconds;
        Volatile.Write(ref stop, true);
        await Task.WhenAll(load);
        Console.WriteLine($"  background ingest while probing: {rate:N0} records/s" + (refused > 0 ? $", {refused:N0} PUTs not answered 201" : ""));
        return result with { Name = $"under load ({connections} connections via nginx, {rate:N0} records/s)" };
    }

    /// <summary>The probe campaign's national count of study sessions as a silo serves it; -1 when it did not answer 200.</summary>
    private static async Task<long> StudySessionsAsync(HttpClient reader)
    {
        using var response = await reader.GetAsync($"/api/rollups/CN?campaignId={ProbeCampaign}");
        if (response.StatusCode != HttpStatusCode.OK) return -1;
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());
        return doc.RootElement.GetProperty("totals").GetProperty("studySessions").GetInt64();
    }
}
