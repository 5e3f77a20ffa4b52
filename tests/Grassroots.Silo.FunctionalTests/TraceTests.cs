using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests;

/// <summary>A request's trace shows everything it caused: the HTTP request, the grain calls, the storage batch.</summary>
public sealed class TraceTests
{
    [Fact]
    public async Task OnePutYieldsHttpGrainCallAndStorageBatchSpansInOneTrace()
    {
        var traceId = ActivityTraceId.CreateRandom();
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is GrassrootsTelemetry.Name or "Microsoft.Orleans.Application" or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span =>
            {
                if (span.TraceId == traceId) spans.Enqueue(span);
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        await SeedAsync(app);

        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/branches/b1/study-sessions/s1")
        {
            Content = JsonContent.Create(Session(), options: Json),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01");
        Assert.Equal(HttpStatusCode.Created, (await app.CreateClient().SendAsync(request)).StatusCode);

        // The server's span of the request ends as the answer leaves; the others ended before it.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!spans.Any(s => s.Source.Name == "Microsoft.AspNetCore") && DateTime.UtcNow < deadline) await Task.Delay(20);
        var sources = spans.GroupBy(s => s.Source.Name).ToDictionary(g => g.Key, g => g.Select(s => s.DisplayName).ToList());
        Assert.True(sources.ContainsKey("Microsoft.AspNetCore"), Describe(spans));
        Assert.True(sources.TryGetValue("Microsoft.Orleans.Application", out var calls) && calls.Count >= 2, Describe(spans)); // record grain, branch grain
        Assert.True(sources.TryGetValue(GrassrootsTelemetry.Name, out var own) && own.Contains("storage batch"), Describe(spans));
        // Every span but the request's own has its parent in the trace.
        var ids = spans.Select(s => s.SpanId).ToHashSet();
        Assert.All(spans.Where(s => s.Source.Name != "Microsoft.AspNetCore"), s => Assert.Contains(s.ParentSpanId, ids));
    }

    private static string Describe(IEnumerable<Activity> spans) =>
        "spans in the trace: " + string.Join("; ", spans.Select(s => $"{s.Source.Name}/{s.DisplayName}"));
}
