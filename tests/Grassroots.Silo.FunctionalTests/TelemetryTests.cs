using Grassroots.Domain.Rollups;
using Grassroots.TestSupport;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests;

/// <summary>
/// The "Grassroots" meter counts what happened (a listener in this process), Prometheus can scrape it, and log records
/// written during a request carry its trace id, branch id and grain id. The meter is static, so these tests run
/// alone: no other test's writes are counted.
/// </summary>
[Collection(TelemetryCollection.Name)]
public sealed class TelemetryTests
{
    private const string SessionPath = "/api/branches/b1/study-sessions/";

    [Fact]
    public async Task CountersMoveByTheExpectedAmountsAfterAKnownNumberOfWrites()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        await SeedAsync(app);
        var client = app.CreateClient();
        using var meter = new GrassrootsMeterListener();

        for (var i = 0; i < 5; i++) Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(SessionPath + $"s{i}", Session(40 + i))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(SessionPath + "s0", Session(60))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(SessionPath + "s1", Session(61))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsync(SessionPath + "s2", Session(42))).StatusCode); // unchanged
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(SessionPath + "s4?reason=duplicate")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PutAsync(SessionPath + "bad", Session(-1))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PutAsync(SessionPath + "s9", Session(campaignId: "no-such"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(SessionPath + "missing")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ClientWith(null).GetAsync(SessionPath + "s0")).StatusCode);

        Assert.Equal(5, meter.Sum("grassroots.records.ingested", ("kind", "study-session"), ("change", "create")));
        Assert.Equal(2, meter.Sum("grassroots.records.ingested", ("kind", "study-session"), ("change", "update")));
        Assert.Equal(1, meter.Sum("grassroots.records.ingested", ("kind", "study-session"), ("change", "void")));
        Assert.Equal(8, meter.Sum("grassroots.records.ingested"));
        // Eight units committed, and three more tried: a correction or a repeat is first tried by the endpoint as a new
        // record, inserted if absent, and only the conflict sends it to its grain, which reads it. Each batch is timed once.
        Assert.Equal(11, meter.Sum("grassroots.storage.batch_size"));
        var batches = meter.Count("grassroots.storage.batch_size");
        Assert.InRange(batches, 1, 11);
        Assert.Equal(batches, meter.Count("grassroots.storage.commit_latency"));
        // One silo has no peer to send its batches to: its own figures hold them before the writers are answered.
        Assert.Equal(0, meter.Count("grassroots.rollup.lag"));
        Assert.Equal(2, meter.Sum("grassroots.requests.rejected", ("reason", "invalid")));
        Assert.Equal(1, meter.Sum("grassroots.requests.rejected", ("reason", "not-found")));
        Assert.Equal(1, meter.Sum("grassroots.requests.rejected", ("reason", "unauthenticated")));
        Assert.Equal(4, meter.Sum("grassroots.requests.rejected"));
    }

    [PostgresFact]
    public async Task TheRollupLagIsMeasuredWhenAnotherSiloHoldsABatch()
    {
        await using var first = await GrassrootsApp.StartAsync(StorageProvider.Postgres, "silo-a");
        await using var second = GrassrootsApp.SecondSilo(first, "silo-b");
        _ = second.Server;
        await SeedAsync(first);
        using var meter = new GrassrootsMeterListener();

        Assert.Equal(HttpStatusCode.Created, (await first.CreateClient().PutAsync(SessionPath + "s1", Session(40))).StatusCode);
        await first.SettleAsync();
        // Measured for every batch the other silo acknowledged: the seed's registrations and the session.
        var lags = meter.Values("grassroots.rollup.lag").ToList();
        Assert.NotEmpty(lags);
        Assert.All(lags, lag => Assert.InRange(lag, 0, 60_000));
        Assert.Equal(1, (await second.Service<RollupReplica>().GetTotalsAsync("CN", "c1", null, null)).StudySessions);
    }

    [Fact]
    public async Task PrometheusScrapesTheGrassrootsMeterOnTheManagementPortOnlyWithItsTokenAndTheDashboardAsksForAnHqKey()
    {
        await using var database = await Grassroots.TestSupport.TestDatabase.CreateAsync(StorageProvider.Sqlite);
        var directory = Directory.CreateTempSubdirectory("grassroots-management-").FullName;
        var management = new Uri($"http://127.0.0.1:{Grassroots.TestSupport.FreePorts.Take()}");
        const string scrapeToken = "test-scrape-token";
        var settings = new Dictionary<string, string?>(Grassroots.TestSupport.FreePorts.ClusterSettings())
        {
            ["Storage:Provider"] = "Sqlite", ["Storage:ConnectionString"] = database.Options.ConnectionString,
            ["Storage:DataDirectory"] = directory, ["Demo:Load"] = "false",
            ["Telemetry:Prometheus"] = "true", ["Management:Url"] = management.ToString(), ["Management:ScrapeToken"] = scrapeToken,
        };
        await using var service = await Grassroots.TestSupport.ServiceProcess.StartAsync(Grassroots.TestSupport.ServiceProcess.BesideTests, settings);
        var hqKey = (await File.ReadAllTextAsync(Path.Combine(directory, "hq-key.txt"))).Trim();
        using var client = new HttpClient { BaseAddress = service.Address };
        client.DefaultRequestHeaders.Authorization = new("Bearer", hqKey);
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsJsonAsync("/api/campaigns/c1", new { title = "活动", startsOn = "2020-11-24" })).StatusCode);
        using var operators = new HttpClient { BaseAddress = management };
        async Task<HttpResponseMessage> GetAsync(string path, AuthenticationHeaderValue? credentials)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = credentials } };
            return await operators.SendAsync(request);
        }

        // Prometheus' `authorization` setting sends the token as a bearer credential; nothing else opens /metrics.
        var scraped = await Grassroots.TestSupport.Eventually.ReadAsync(
            async () => await (await GetAsync("/metrics", new("Bearer", scrapeToken))).Content.ReadAsStringAsync(),
            text => text.Contains("grassroots_requests_rejected_total", StringComparison.Ordinal) || text.Contains("http_server_request_duration", StringComparison.Ordinal),
            "the scrape to hold the service's instruments");
        Assert.Contains("# TYPE", scraped);
        foreach (var wrong in new AuthenticationHeaderValue?[] { null, new("Bearer", "not-the-token"), new("Bearer", hqKey), new("Basic", Basic(scrapeToken)) })
        {
            var refused = await GetAsync("/metrics", wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.Single().Scheme);
        }

        // The dashboard: an hq key, as a bearer header or as the password of the browser's sign-in (HTTP Basic), which
        // the 401's challenge asks for.
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/dashboard/", new("Bearer", hqKey))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/dashboard/", new("Basic", Basic(hqKey)))).StatusCode);
        foreach (var wrong in new AuthenticationHeaderValue?[] { null, new("Bearer", scrapeToken), new("Basic", Basic("gr_not_a_key")), new("Basic", "%%%") })
        {
            var refused = await GetAsync("/dashboard/", wrong);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("Basic", refused.Headers.WwwAuthenticate.Single().Scheme);
        }
        // A key of another role is not enough.
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsJsonAsync("/api/branches/b1", new { name = "测试工会", regionCode = "630102", memberCount = 40 })).StatusCode);
        var branchKey = await client.PostAsJsonAsync("/api/keys", new { role = "branch", scope = "b1", label = "支部" });
        Assert.Equal(HttpStatusCode.Created, branchKey.StatusCode);
        var key = (await branchKey.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync("/dashboard/", new("Bearer", key))).StatusCode);

        // The public port serves neither, however the path is written or whatever Host the client claims; the management
        // port serves nothing else.
        foreach (var path in new[] { "/metrics", "/METRICS", "/Metrics", "/metrics/", "/dashboard" })
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(path)).StatusCode);
        using var spoofed = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        spoofed.Headers.Host = $"127.0.0.1:{management.Port}";
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(spoofed)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/api/campaigns", new("Bearer", hqKey))).StatusCode);
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>HTTP Basic credentials with any user name and <paramref name="password"/>, as a browser sends them.</summary>
    private static string Basic(string password) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("operator:" + password));

    [Fact]
    public async Task ALogRecordWrittenInAGrainCallCarriesTheTraceBranchAndGrainIds()
    {
        var logs = new CapturingLoggerProvider();
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite,
            settings: new Dictionary<string, string?> { ["Logging:LogLevel:Grassroots"] = "Debug" },
            services: s => s.AddSingleton<ILoggerProvider>(logs));
        await SeedAsync(app);

        // A correction of a voided record reaches its grain, which refuses it; the refusal is logged inside the grain call.
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync(SessionPath + "s1", Session(40))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(SessionPath + "s1?reason=duplicate")).StatusCode);
        var response = await client.PutAsync(SessionPath + "s1", Session(41));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var traceparent = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("traceId").GetString()!;
        var traceId = traceparent.Split('-')[1];

        var record = Assert.Single(logs.Records, r => r.Category.EndsWith("GrainLogScope", StringComparison.Ordinal));
        Assert.Contains("PutAsync", record.Message);
        Assert.Equal("study-session/b1/s1", record.Scope["GrainId"]);
        Assert.Equal("b1", record.Scope["BranchId"]);
        Assert.Equal(traceId, record.Scope["TraceId"]);
    }

    /// <summary>Sums and counts what the "Grassroots" meter records from its creation on, by instrument and tags.</summary>
    private sealed class GrassrootsMeterListener : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Name, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

        public GrassrootsMeterListener()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == GrassrootsTelemetry.Name) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((i, value, tags, _) => _measurements.Enqueue((i.Name, value, tags.ToArray())));
            _listener.SetMeasurementEventCallback<int>((i, value, tags, _) => _measurements.Enqueue((i.Name, value, tags.ToArray())));
            _listener.SetMeasurementEventCallback<double>((i, value, tags, _) => _measurements.Enqueue((i.Name, value, tags.ToArray())));
            _listener.Start();
        }

        public IEnumerable<double> Values(string name, params (string Key, string Value)[] tags) => _measurements
            .Where(m => m.Name == name && tags.All(t => m.Tags.Any(x => x.Key == t.Key && Equals(x.Value?.ToString(), t.Value))))
            .Select(m => m.Value);

        public long Sum(string name, params (string Key, string Value)[] tags) => (long)Values(name, tags).Sum();

        public int Count(string name) => Values(name, []).Count();

        public void Dispose() => _listener.Dispose();
    }

    private sealed record CapturedLog(string Category, LogLevel Level, string Message, Dictionary<string, object?> Scope);

    /// <summary>Keeps every log record with the values of the scopes it was written in.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();
        private readonly ConcurrentQueue<CapturedLog> _records = new();

        public IEnumerable<CapturedLog> Records => _records;

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose() { }

        private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scope = new Dictionary<string, object?>();
                provider._scopes.ForEachScope((value, into) =>
                {
                    if (value is IEnumerable<KeyValuePair<string, object?>> pairs)
                        foreach (var (key, item) in pairs) into[key] = item;
                }, scope);
                provider._records.Enqueue(new CapturedLog(category, logLevel, formatter(state, exception), scope));
            }
        }
    }
}

/// <summary>Tests that read the process-wide meter run by themselves.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "Telemetry (not in parallel)";
}
