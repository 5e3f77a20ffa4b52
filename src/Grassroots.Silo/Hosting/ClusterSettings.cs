using System.Net;
using Grassroots.Storage;

namespace Grassroots.Silo.Hosting;

/// <summary>How this silo finds and joins its cluster: settings under "Cluster".</summary>
public sealed class ClusterSettings
{
    /// <summary>Orleans cluster id: silos with the same id over the same database form one cluster.</summary>
    public string ClusterId { get; set; } = "grassroots";

    /// <summary>Orleans service id: stays the same across deployments, since stored grain state is keyed by it.</summary>
    public string ServiceId { get; set; } = "grassroots";

    /// <summary>Port for silo-to-silo traffic.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port for Orleans clients (the `keys` command connects here to a running service).</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The address other silos reach this one at (in Docker, the container's own); default: this host's first IPv4 address.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>
    /// "AdoNet": membership in the database's Orleans tables, so silos over one PostgreSQL form a cluster. "Localhost":
    /// a cluster of this process alone. Default: AdoNet on PostgreSQL, Localhost on SQLite.
    /// </summary>
    public string? Membership { get; set; }

    /// <summary>
    /// How long a stopping silo keeps serving with /readyz unready before its server stops taking requests, so a load
    /// balancer that polls /readyz moves traffic away first. Default none.
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.Zero;

    public bool UsesDatabaseMembership(StorageOptions storage) =>
        (Membership ?? (storage.Provider == StorageProvider.Postgres ? "AdoNet" : "Localhost"))
        .Equals("AdoNet", StringComparison.OrdinalIgnoreCase);

    public IPAddress AdvertisedIp() => AdvertisedAddress is { Length: > 0 } text
        ? (IPAddress.TryParse(text, out var ip) ? ip : Dns.GetHostAddresses(text).First(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork))
        : Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            ?? IPAddress.Loopback;
}
