using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;

namespace Grassroots.ClusterDrills;

/// <summary>
/// Sustained writes as branches make them: each writer logs new study sessions, one after another, through its own
/// address (nginx or a silo). A refused or failed write is tried again with the same id (a PUT is idempotent) until
/// it is acknowledged, so at the end every record a writer started is acknowledged, and every failure is kept with
/// its time and status for the test to judge.
/// </summary>
public sealed class Writers : IAsyncDisposable
{
    public sealed record Failure(TimeSpan At, string Target, string What, bool RetryAfter);

    private readonly ConcurrentBag<string> _acknowledged = [];
    private readonly ConcurrentBag<Failure> _failures = [];
    private readonly ConcurrentBag<TimeSpan> _acknowledgedAt = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly List<HttpClient> _clients = [];
    private readonly Stopwatch _clock;
    private readonly string _campaign;

    /// <param name="clock">The test's clock, so failures can be compared with the moment it broke something.</param>
    public Writers(ITestCluster cluster, string campaign, IReadOnlyList<string> branches, IReadOnlyList<Uri> targets, int perTarget,
        Stopwatch clock)
    {
        _clock = clock;
        _campaign = campaign;
        var n = 0;
        foreach (var target in targets)
        {
            // A short timeout: a request that takes this long counts as a hang.
            var http = cluster.Client(target, TimeSpan.FromSeconds(20));
            _clients.Add(http);
            for (var i = 0; i < perTarget; i++, n++)
            {
                var (branch, writer) = (branches[n % branches.Count], $"w{n}");
                _loops.Add(Task.Run(() => WriteAsync(http, target.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), branch, writer)));
            }
        }
    }

    /// <summary>"branch/session" of every acknowledged write.</summary>
    public IReadOnlyCollection<string> Acknowledged => _acknowledged;

    public IReadOnlyCollection<Failure> Failures => _failures;

    public int AcknowledgedAfter(TimeSpan at) => _acknowledgedAt.Count(t => t > at);

    /// <summary>Lets each writer finish the record it is on (until acknowledged, within a limit), then stops.</summary>
    public async Task StopAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromMinutes(2));
    }

    private async Task WriteAsync(HttpClient http, string target, string branch, string writer)
    {
        var finishBy = (DateTime?)null;
        for (var seq = 0; !_stop.IsCancellationRequested; seq++)
        {
            var session = $"{writer}-{seq}";
            var body = new
            {
                campaignId = _campaign, title = "学习会", heldOn = "2020-12-01", format = "offline",
                attendees = new { total = 10 + seq % 7 },
            };
            while (true)
            {
                try
                {
                    using var response = await http.PutAsJsonAsync($"/api/branches/{branch}/study-sessions/{session}", body);
                    if (response.IsSuccessStatusCode)
                    {
                        _acknowledged.Add($"{branch}/{session}");
                        _acknowledgedAt.Add(_clock.Elapsed);
                        break;
                    }
                    _failures.Add(new Failure(_clock.Elapsed, target, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}",
                        response.Headers.RetryAfter is not null));
                }
                catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
                {
                    _failures.Add(new Failure(_clock.Elapsed, target, error.GetType().Name + ": " + error.Message, false));
                }
                // Stopping: the record in hand is still written, within a limit, so none is left half-done.
                if (_stop.IsCancellationRequested && (finishBy ??= DateTime.UtcNow.AddSeconds(60)) < DateTime.UtcNow) return;
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        foreach (var client in _clients) client.Dispose();
        _stop.Dispose();
    }
}
