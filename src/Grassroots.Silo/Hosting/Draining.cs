namespace Grassroots.Silo.Hosting;

/// <summary>
/// Set when the host begins to stop (SIGTERM): /readyz answers 503 from then on. For Cluster:DrainDelay the silo then
/// goes on serving, so a load balancer that polls /readyz sends no new requests before the server stops taking them;
/// after that the requests in flight finish, their batches commit and the silo leaves the cluster (stop order in
/// docs/operations.md).
/// </summary>
public sealed class Draining : IHostedLifecycleService
{
    private readonly TimeSpan _delay;
    private volatile bool _draining;

    public Draining(IHostApplicationLifetime lifetime, IConfiguration configuration)
    {
        _delay = (configuration.GetSection("Cluster").Get<ClusterSettings>() ?? new ClusterSettings()).DrainDelay;
        lifetime.ApplicationStopping.Register(() => _draining = true);
    }

    public bool IsDraining => _draining;

    /// <summary>Runs before any service stops, the web server included.</summary>
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        if (_delay > TimeSpan.Zero) await Task.Delay(_delay, cancellationToken).ConfigureAwait(false);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
