using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Grassroots.ClusterDrills;

/// <summary>
/// Reads going on while a drill breaks something, as the dashboard makes them: each reader asks its address for a
/// campaign's national figures, then for its branches one after another, again and again until stopped. Every answer
/// is kept with its time, how long it took and, when it failed, why.
/// </summary>
public sealed class Readers : IAsyncDisposable
{
    public sealed record Read(TimeSpan At, string Target, string Path, TimeSpan Took, string? Failure);

    private readonly ConcurrentBag<Read> _reads = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly List<HttpClient> _clients = [];
    private readonly Stopwatch _clock;

    public Readers(ITestCluster cluster, Scenario scenario, IReadOnlyList<Uri> targets, Stopwatch clock)
    {
        _clock = clock;
        string[] paths = [$"/api/rollups/CN?campaignId={scenario.Campaign}", .. scenario.Branches.Select(b => $"/api/branches/{b}")];
        foreach (var target in targets)
        {
            // As long as any call of a test may take: a read that takes longer counts as failed.
            var http = cluster.Client(target, TimeSpan.FromSeconds(20));
            _clients.Add(http);
            _loops.Add(Task.Run(() => ReadAsync(http, target.Port.ToString(CultureInfo.InvariantCulture), paths)));
        }
    }

    public IReadOnlyCollection<Read> Reads => _reads;

    public IReadOnlyList<Read> Failures => [.. _reads.Where(r => r.Failure is not null).OrderBy(r => r.At)];

    public int SucceededAfter(TimeSpan at) => _reads.Count(r => r.Failure is null && r.At > at);

    public async Task StopAsync()
    {
        _stop.Cancel();
        await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromMinutes(1));
    }

    private async Task ReadAsync(HttpClient http, string target, string[] paths)
    {
        for (var i = 0; !_stop.IsCancellationRequested; i++)
        {
            var path = paths[i % paths.Length];
            var started = _clock.Elapsed;
            string? failure;
            try
            {
                using var response = await http.GetAsync(path, CancellationToken.None);
                failure = response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
            {
                failure = error.GetType().Name + ": " + error.Message;
            }
            _reads.Add(new Read(started, target, path, _clock.Elapsed - started, failure));
            await Task.Delay(50, CancellationToken.None);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested) await StopAsync();
        foreach (var client in _clients) client.Dispose();
        _stop.Dispose();
    }
}
