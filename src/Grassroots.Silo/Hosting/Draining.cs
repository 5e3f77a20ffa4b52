namespace Grassroots.Silo.Hosting;

/// <summary>
/// Set when the host begins to stop (SIGTERM): /readyz answers 503 from then on, so a load balancer sends no new
/// requests while the ones in flight finish, their batches commit and the silo leaves the cluster.
/// </summary>
public sealed class Draining
{
    private volatile bool _draining;

    public Draining(IHostApplicationLifetime lifetime) => lifetime.ApplicationStopping.Register(() => _draining = true);

    public bool IsDraining => _draining;
}
