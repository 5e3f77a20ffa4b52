using System.Net;
using System.Net.Sockets;
using Grassroots.Storage.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Grassroots.Storage.Tests;

public sealed class OutageTests
{
    [PostgresFact]
    public async Task WritesAfterTheServerDroppedTheConnectionsAreWrittenOnNewOnes()
    {
        await using var store = await TestStore.CreateAsync(StorageProvider.Postgres);
        // The lanes that wrote keep their connections, as a serving silo's lanes do.
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => store.CommitAsync(Rows.State($"before-{i}"))));

        await TerminateBackendsAsync(store.Test.Name!);

        // Nothing of a batch was stored when its connection turned out to be gone before its commit: it is written again.
        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => store.CommitAsync(Rows.State($"after-{i}"))));

        Assert.Equal(220, (await KeysAsync(store.Test.Options.ConnectionString!)).Count);
    }

    [Fact]
    public async Task WriteToAServerThatIsNotListeningFailsInsteadOfHanging()
    {
        var options = new StorageOptions
        {
            Provider = StorageProvider.Postgres,
            ConnectionString = $"Host=127.0.0.1;Port={UnusedPort()};Username=grassroots;Password=unused;Database=none;Timeout=3",
        };
        await using var database = Database.Create(options);
        await using var committer = new GroupCommitter(database, NullLogger<GroupCommitter>.Instance);

        for (var attempt = 0; attempt < 2; attempt++)
            await Assert.ThrowsAsync<StorageUnavailableException>(() =>
                committer.CommitAsync(new WriteUnit([Rows.State("nowhere")])).WaitAsync(TestStore.Guard));
    }

    private static async Task TerminateBackendsAsync(string databaseName)
    {
        await using var admin = new NpgsqlConnection(TestDatabase.PostgresAdminConnectionString);
        await admin.OpenAsync();
        await using (var kill = new NpgsqlCommand(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", admin))
        {
            kill.Parameters.Add(new NpgsqlParameter { Value = databaseName });
            // At least the connection of the lane that wrote.
            Assert.True((long)(await kill.ExecuteScalarAsync())! >= 1);
        }
        // pg_terminate_backend only signals; wait until the backends are gone so the next write meets a dead connection.
        var deadline = DateTime.UtcNow + TestStore.Guard;
        while (true)
        {
            await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = $1", admin);
            count.Parameters.Add(new NpgsqlParameter { Value = databaseName });
            if ((long)(await count.ExecuteScalarAsync())! == 0) return;
            Assert.True(DateTime.UtcNow < deadline, "terminated backends did not exit");
            await Task.Delay(20);
        }
    }

    private static async Task<List<string>> KeysAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT grain_key FROM test_state ORDER BY grain_key", connection);
        await using var reader = await query.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync()) keys.Add(reader.GetString(0));
        return keys;
    }

    private static int UnusedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
