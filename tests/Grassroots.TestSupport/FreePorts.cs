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

    /// <summary>
    /// <paramref name="count"/> bases, each with <paramref name="size"/> ports after it that nobody listens on, all
    /// between 20000 and 32000: below the kernel's ephemeral range, so that a server restarted during a test (PostgreSQL
    /// in a drill) cannot find its port taken by some outgoing connection.
    /// </summary>
    public static int[] Blocks(int count, int size)
    {
        var bases = new List<int>();
        while (bases.Count < count)
        {
            var candidate = Random.Shared.Next(200, 320) * 100;
            if (!bases.Contains(candidate) && Enumerable.Range(candidate, size).All(IsFree)) bases.Add(candidate);
        }
        return [.. bases];
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Cluster settings for one silo: its own ports, and its own cluster id unless it is to join another's.</summary>
    public static Dictionary<string, string?> ClusterSettings(string? clusterId = null) => new()
    {
        ["Cluster:SiloPort"] = Take().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Cluster:GatewayPort"] = Take().ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Cluster:ClusterId"] = clusterId ?? "test-" + Guid.NewGuid().ToString("N"),
    };
}
