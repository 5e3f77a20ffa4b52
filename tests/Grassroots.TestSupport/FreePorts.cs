using System.Net;
using System.Net.Sockets;

namespace Grassroots.TestSupport;

/// <summary>Ports nobody listens on right now, for the silo and gateway of a test's own Orleans cluster.</summary>
public static class FreePorts
{
    /// <summary>
    /// A port nobody listens on, below the kernel's ephemeral range (32768 and up here). A port the kernel hands out
    /// (bind to 0) is an ephemeral one, which any outgoing connection on the machine may take as its source port before
    /// the silo binds it ("Address already in use", seen while the compose test ran beside the functional tests). Ports
    /// ending in 00–49 are left to <see cref="Blocks"/>.
    /// </summary>
    public static int Take()
    {
        while (true)
        {
            var candidate = Random.Shared.Next(200, 328) * 100 + Random.Shared.Next(50, 100);
            if (candidate < 32768 && IsFree(candidate)) return candidate;
        }
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
