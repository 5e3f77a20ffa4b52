namespace Grassroots.Throughput;

/// <summary>A silo process of a cluster under measurement: its CPU is read from /proc, its metrics from its management port when it has one.</summary>
public sealed record SiloProcess(string Name, int Pid, Uri? Management);

/// <summary>
/// What a phase of the cluster bench is measured against: the address the load goes to (nginx, or a silo directly),
/// and the processes whose CPU the window reports (each silo, PostgreSQL, nginx when it is in the path, and the bench
/// with its load generators), each silo's Orleans metrics read from its management port.
/// </summary>
public sealed record ClusterTopology(string Name, Uri Url, IReadOnlyList<SiloProcess> Silos, int PostgresPid, int? NginxPid)
{
    public const string NginxGroup = "nginx";

    public IReadOnlyDictionary<string, int> CpuRoots()
    {
        var roots = Silos.ToDictionary(s => s.Name, s => s.Pid);
        roots[PhaseCosts.PostgresGroup] = PostgresPid;
        if (NginxPid is { } nginx) roots[NginxGroup] = nginx;
        roots[PhaseCosts.LoadGroup] = Environment.ProcessId;
        return roots;
    }

    /// <summary>The silos' metrics, or null when none has a management port (it is off, or the silo runs standalone).</summary>
    public SiloMetrics? Metrics(string? token) =>
        Silos.All(s => s.Management is not null) ? new SiloMetrics(Silos.ToDictionary(s => s.Name, s => s.Management!), token) : null;
}
