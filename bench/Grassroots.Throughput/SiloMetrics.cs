using System.Net.Http.Headers;

namespace Grassroots.Throughput;

/// <summary>
/// The silos' own metrics: /metrics on each silo's management port (Management:Url, with Telemetry:Prometheus on),
/// scraped one silo after the other. When the management port asks for a scrape token, the bench sends the one in
/// <see cref="TokenVariable"/> (or --metrics-token) as a bearer token, as Prometheus' `authorization` setting would.
/// </summary>
public sealed class SiloMetrics(IReadOnlyDictionary<string, Uri> silos, string? token) : IDisposable
{
    public const string TokenVariable = "GRASSROOTS_METRICS_TOKEN";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>
    /// Every silo's samples now. Synchronous, since the window hooks it runs in are: it runs between two load runs, where
    /// nothing waits for it.
    /// </summary>
    public Dictionary<string, PrometheusText> Scrape() => silos.ToDictionary(s => s.Key, s =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(s.Value, "/metrics"));
        if (token is { Length: > 0 }) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = _http.Send(request);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{s.Key}'s {request.RequestUri} answered {(int)response.StatusCode}" +
                (token is null ? $" (a scrape token goes in {TokenVariable})" : ""));
        using var reader = new StreamReader(response.Content.ReadAsStream());
        return PrometheusText.Parse(reader.ReadToEnd());
    });

    /// <summary>What each silo's Orleans did between two scrapes.</summary>
    public static Dictionary<string, OrleansActivity> Between(Dictionary<string, PrometheusText> before, Dictionary<string, PrometheusText> after) =>
        after.ToDictionary(a => a.Key, a => OrleansActivity.Between(before.GetValueOrDefault(a.Key, PrometheusText.Empty), a.Value));

    public void Dispose() => _http.Dispose();
}
