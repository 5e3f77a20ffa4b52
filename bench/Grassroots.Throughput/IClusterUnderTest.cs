namespace Grassroots.Throughput;

/// <summary>
/// A cluster the cluster bench measures: one PostgreSQL, silos started in the numbers asked for, nginx in front of
/// them. The local cluster (<see cref="LocalClusterScript"/>) and the Docker compose cluster (<see cref="ComposeCluster"/>)
/// are started and measured alike.
/// </summary>
public interface IClusterUnderTest
{
    /// <summary>The first hq key, created when the cluster first started.</summary>
    string Key { get; }

    /// <summary>Cluster:ClusterId of its silos.</summary>
    string ClusterId { get; }

    /// <summary>The cluster's database, as reached from the bench (pgbench, the standalone silo, reconcile).</summary>
    string ConnectionString { get; }

    /// <summary>PostgreSQL's main process, whose descendants are its backends.</summary>
    int PostgresPid { get; }

    /// <summary>nginx, as reached from the bench.</summary>
    Uri Front { get; }

    /// <summary>Silo I's public HTTP port as reached from the bench (seeding, freshness probes).</summary>
    Uri SiloUrl(int i);

    /// <summary>Starts PostgreSQL, <paramref name="silos"/> silos and nginx, after clearing what an interrupted run left.</summary>
    Task StartAsync(int silos);

    /// <summary>Stops the silos that run and starts <paramref name="silos"/> afresh, nginx sending to them.</summary>
    Task RestartSilosAsync(int silos, bool management);

    /// <summary>Stops the silos, leaving PostgreSQL running for a silo started otherwise over the same database.</summary>
    Task StopSilosAsync();

    /// <summary>The running silos behind nginx, or silo-1 alone directly.</summary>
    ClusterTopology Topology(string name, bool direct = false);

    /// <summary>Says which silo nginx sent the bench's PUTs to, showing that the upstream has every silo.</summary>
    void PrintUpstreams();


    /// <summary>Stops everything and removes what the run left; a failure to stop is reported, not thrown, so it hides no earlier one.</summary>
    Task StopAsync();
}
