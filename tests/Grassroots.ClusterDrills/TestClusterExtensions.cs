using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;

namespace Grassroots.ClusterDrills;

public sealed record MembershipRow(string Silo, string Address, int Port, SiloStatus Status, DateTime IAmAlive);

/// <summary>What every drill does with a cluster: HTTP clients with the hq key, queries, the membership table.</summary>
public static class TestClusterExtensions
{
    /// <summary>An HTTP client with the hq key for nginx or one silo; the timeout is the longest any test call may take.</summary>
    public static HttpClient Client(this ITestCluster cluster, Uri baseAddress, TimeSpan? timeout = null)
    {
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
        {
            BaseAddress = baseAddress,
            Timeout = timeout ?? TimeSpan.FromSeconds(60),
        };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", cluster.HqKey);
        return http;
    }

    /// <summary>Runs one query on the cluster's database.</summary>
    public static async Task<List<T>> QueryAsync<T>(this ITestCluster cluster, string sql, Func<NpgsqlDataReader, T> map, params object[] args)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var arg in args) command.Parameters.Add(new NpgsqlParameter { Value = arg });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync()) rows.Add(map(reader));
        return rows;
    }

    /// <summary>The rows of the Orleans membership table for this cluster: the newest generation of each silo.</summary>
    public static async Task<List<MembershipRow>> MembershipAsync(this ITestCluster cluster)
    {
        var rows = await cluster.QueryAsync(
            "SELECT silo_name, address, port, status, i_am_alive_time FROM orleans_membership WHERE deployment_id = $1 ORDER BY start_time DESC",
            r => new MembershipRow(r.GetString(0), r.GetString(1), r.GetInt32(2), (SiloStatus)r.GetInt32(3), r.GetDateTime(4)), cluster.ClusterId);
        return [.. rows.DistinctBy(r => r.Silo)];
    }

    /// <summary>An Orleans client of a cluster whose membership is in the PostgreSQL database at <paramref name="connectionString"/>.</summary>
    public static async Task<IHost> StartOrleansClientAsync(string clusterId, string serviceId, string connectionString)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (clusterId, serviceId));
            client.UseAdoNetClustering(o => (o.Invariant, o.ConnectionString) = ("Npgsql", connectionString));
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static IClusterClient ClusterClient(this IHost host) => host.Services.GetRequiredService<IClusterClient>();
}
