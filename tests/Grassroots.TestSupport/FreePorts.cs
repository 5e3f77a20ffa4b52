using System.Net;
using System.Net.Sockets;

namespace Grassroots.TestSupport;

/// <summary>Ports nobody listens on right now, for the silo and gateway of a test's own Orleans cluster.</summary>
public static class FreePorts
{
    public static int Take()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Cluster settings for one silo: its own ports, and its own cluster id unless it is to join another's.</summary>
    public static Dictionary<string, string?> ClusterSettings(string? clusterId = null) => new()
    {
        ["Cluster:SiloPort"] = Take().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Cluster:GatewayPort"] = Take().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Cluster:ClusterId"] = clusterId ?? "test-" + Guid.NewGuid().ToString("N"),
    };
}
