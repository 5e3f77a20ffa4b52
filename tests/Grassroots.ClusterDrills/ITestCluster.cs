namespace Grassroots.ClusterDrills;

/// <summary>
/// A running cluster a test started (three silos over one PostgreSQL behind nginx), however it was started: what the
/// drills need of it, all reached from the test: nginx and each silo over HTTP, the database, and the cluster as an
/// Orleans client.
/// </summary>
public interface ITestCluster
{
    /// <summary>The Orleans cluster id the silos were started with (the membership table's deployment id).</summary>
    string ClusterId { get; }

    Uri Nginx { get; }

    /// <summary>Silo <paramref name="i"/> (1-based) directly, bypassing nginx.</summary>
    Uri Silo(int i);

    string HqKey { get; }

    /// <summary>The cluster's database, as the test reaches it.</summary>
    string ConnectionString { get; }

    /// <summary>A client of the cluster, to ask where activations live.</summary>
    IClusterClient Orleans { get; }

    /// <summary>Runs the service's `reconcile` command against the cluster's database; its exit code and output.</summary>
    Task<(int ExitCode, string Output)> ReconcileAsync();
}
