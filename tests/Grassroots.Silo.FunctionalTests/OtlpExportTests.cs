using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Grassroots.TestSupport;

namespace Grassroots.Silo.FunctionalTests;

/// <summary>
/// OTLP export as an operator switches it on: the service run as a process with OTEL_EXPORTER_OTLP_ENDPOINT alone (as
/// deploy/compose.otlp.yml sets it), sending to an OTLP endpoint of the test's own. A new record's PUT arrives as one
/// trace with the HTTP request, and the storage batch that committed it linked to the request; a correction's trace
/// has the record grain's call too. The service's metrics arrive, named by the silo that sent them.
/// </summary>
public sealed class OtlpExportTests
{
    private const string Shard = "otlp-silo";

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task APutsTraceAndTheServicesMetricsReachTheCollector(StorageProvider provider)
    {
        await using var receiver = await OtlpReceiver.StartAsync();
        await using var database = await TestDatabase.CreateAsync(provider, Shard);
        await using var service = await ServiceOnDatabase.StartAsync(database, more: new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint.ToString(),
            ["Storage:Shard"] = Shard,
            // Sooner than the defaults (60 s for metrics, 5 s for spans), so the test need not wait that long.
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        using var http = new HttpClient { BaseAddress = service.Address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", service.HqKey);
        Assert.Equal(HttpStatusCode.Created, (await http.PutAsJsonAsync("/api/campaigns/c1", new { title = "活动", startsOn = "2020-11-24" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await http.PutAsJsonAsync("/api/branches/b1",
            new { name = "测试工会", regionCode = "630102", memberCount = 40 })).StatusCode);

        var created = await PutSessionAsync(http, attendees: 12, HttpStatusCode.Created);
        var corrected = await PutSessionAsync(http, attendees: 15, HttpStatusCode.OK);

        foreach (var trace in new[] { created, corrected })
        {
            var spans = await Eventually.ReadAsync(() => Task.FromResult(receiver.Spans.Where(s => s.TraceId == trace).ToList()),
                s => s.Any(IsRequest) && BatchesOf(receiver, trace).Any(), $"the request's span and its storage batch in trace {trace}",
                TimeSpan.FromSeconds(60));
            var request = Assert.Single(spans, IsRequest);
            Assert.Equal(("grassroots", Shard), (request.Service, request.Instance));
            Assert.Contains("study-sessions", request.Name);
            // Every span of the trace but the request's own hangs from a span of the trace.
            Assert.All(spans.Where(s => s != request), s => Assert.Contains(s.ParentSpanId, spans.Select(p => p.SpanId)));
            Assert.Contains(BatchesOf(receiver, trace), b => b.Links.Any(l => l.TraceId == trace));
        }
        // A correction reaches the record's grain, which holds its current state; its call is in the correction's trace.
        var grainCalls = receiver.Spans.Where(s => s.TraceId == corrected && s.Scope == "Microsoft.Orleans.Application").Select(s => s.Name).ToList();
        Assert.True(grainCalls.Any(n => n.Contains("Record", StringComparison.Ordinal) || n.Contains("StudySession", StringComparison.Ordinal)),
            "grain calls in the correction's trace: " + string.Join(", ", grainCalls));

        var metrics = await Eventually.ReadAsync(() => Task.FromResult(receiver.Metrics),
            m => m.ContainsKey("grassroots.records.ingested") && m.ContainsKey("grassroots.storage.commit_latency"), "the service's metrics",
            TimeSpan.FromSeconds(60));
        Assert.Equal(Shard, metrics["grassroots.records.ingested"]);
        Assert.Contains(metrics.Keys, name => name.StartsWith("http.server.", StringComparison.Ordinal));
    }

    /// <summary>ASP.NET Core's server span of the PUT (its parent is the test's own span, which is not exported).</summary>
    private static bool IsRequest(OtlpReceiver.Span span) => span.Scope == "Microsoft.AspNetCore" && span.Name.StartsWith("PUT", StringComparison.Ordinal);

    /// <summary>The storage batches that committed something of <paramref name="trace"/>: in it, or linked to it.</summary>
    private static IEnumerable<OtlpReceiver.Span> BatchesOf(OtlpReceiver receiver, string trace) =>
        receiver.Spans.Where(s => s.Name == "storage batch" && (s.TraceId == trace || s.Links.Any(l => l.TraceId == trace)));

    /// <summary>PUTs the session under a trace of the test's own (traceparent); returns its trace id.</summary>
    private static async Task<string> PutSessionAsync(HttpClient http, int attendees, HttpStatusCode expected)
    {
        var trace = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/branches/b1/study-sessions/s1")
        {
            Content = JsonContent.Create(new { campaignId = "c1", title = "学习会", heldOn = "2020-12-01", format = "offline", attendees = new { total = attendees } }),
        };
        request.Headers.Add("traceparent", $"00-{trace}-{ActivitySpanId.CreateRandom()}-01");
        Assert.Equal(expected, (await http.SendAsync(request)).StatusCode);
        return trace.ToHexString();
    }
}
