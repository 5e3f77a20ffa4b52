using System.Net;
using Grassroots.Silo.Commands;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Grassroots.TestSupport;

namespace Grassroots.Silo.FunctionalTests.Security;

/// <summary>
/// `keys create|list|revoke` run as the program runs them (the host built, no HTTP server), against a database no
/// server is using; the service then accepts or refuses the keys accordingly.
/// </summary>
public sealed class KeysCommandTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task KeysCommandCreatesListsAndRevokesKeysWithoutAServer(StorageProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);

        var created = await RunAsync(database, "keys", "create", "--role", "hq", "--scope", "CN", "--label", "ops team");
        Assert.Equal(0, created.Code);
        var key = created.Output.Trim(); // standard output carries the key alone, so scripts can capture it
        Assert.Matches("^gr_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$", key);
        var keyId = Keys.KeyIdOf(key);

        var listed = await RunAsync(database, "keys", "list");
        Assert.Equal(0, listed.Code);
        var line = Assert.Single(listed.Output.Split('\n'), l => l.StartsWith(keyId, StringComparison.Ordinal));
        Assert.Contains(" hq ", line);
        Assert.EndsWith("ops team", line.TrimEnd());
        Assert.DoesNotContain(ApiKeySecretOf(key), listed.Output + listed.Error);

        await using (var app = await GrassrootsApp.StartAsync(database))
        {
            Assert.Equal(HttpStatusCode.Created, (await app.ClientWith(key).PutAsync("/api/campaigns/c9",
                new { title = "学习", startsOn = "2021-01-01" })).StatusCode);
            Assert.StartsWith($"key:{keyId} create ", Assert.Single(await app.ChangesAsync("campaign", "c9")));
        }

        Assert.Equal(0, (await RunAsync(database, "keys", "revoke", keyId)).Code);
        Assert.Contains("already revoked", (await RunAsync(database, "keys", "revoke", keyId)).Error);
        Assert.Equal(1, (await RunAsync(database, "keys", "revoke", "0123456789abcdef")).Code);

        await using (var app = await GrassrootsApp.StartAsync(database))
            Assert.Equal(HttpStatusCode.Unauthorized, (await app.ClientWith(key).GetAsync("/api/campaigns")).StatusCode);
    }

    [Fact]
    public async Task KeysCommandRejectsScopesThatDoNotFitTheRole()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);

        var wrong = await RunAsync(database, "keys", "create", "--role", "region-admin", "--scope", "CN", "--label", "x");
        Assert.Equal(1, wrong.Code);
        Assert.Contains("scope:", wrong.Error);
        var unknownBranch = await RunAsync(database, "keys", "create", "--role=branch", "--scope=no-such-branch", "--label=x");
        Assert.Equal(1, unknownBranch.Code);
        Assert.Contains("No branch is registered", unknownBranch.Error);
        Assert.Equal(2, (await RunAsync(database, "keys", "create", "--role")).Code);
        Assert.Equal(2, (await RunAsync(database, "keys", "rotate")).Code);
        Assert.Single((await RunAsync(database, "keys", "list")).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // the header
        // A command is not a first start: no hq key was made and no key file written.
        Assert.False(File.Exists(Path.Combine(GrassrootsApp.DataDirectoryOf(database), "hq-key.txt")));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task KeysRevokedByTheCommandAreRefusedAtOnceByTheRunningService(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);

        // The command reaches the running service's cluster, so the key is made by the grain the service asks.
        var created = await RunAsync(app.Database, app.ClusterSettings, "keys", "create", "--role", "hq", "--scope", "CN", "--label", "ops");
        Assert.Equal(0, created.Code);
        var key = created.Output.Trim();
        var client = app.ClientWith(key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/campaigns")).StatusCode);

        Assert.Equal(0, (await RunAsync(app.Database, app.ClusterSettings, "keys", "revoke", Keys.KeyIdOf(key))).Code);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/campaigns")).StatusCode);
    }

    private static string ApiKeySecretOf(string key) => Silo.Security.ApiKeySecret.Parse(key)!.Secret;

    /// <summary>
    /// What Program does for a command, with the service's settings for this database. Without
    /// <paramref name="cluster"/> the command gets a cluster of its own that no server runs.
    /// </summary>
    private static async Task<(int Code, string Output, string Error)> RunAsync(TestDatabase database, params string[] args) =>
        await RunAsync(database, FreePorts.ClusterSettings(), args);

    private static async Task<(int Code, string Output, string Error)> RunAsync(TestDatabase database,
        IReadOnlyDictionary<string, string?> cluster, params string[] args)
    {
        var settings = new Dictionary<string, string?>(cluster)
        {
            ["Storage:Provider"] = database.Provider.ToString(),
            ["Storage:ConnectionString"] = database.Options.ConnectionString,
            ["Storage:DataDirectory"] = GrassrootsApp.DataDirectoryOf(database),
        };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, output, error, settings);
        return (code, output.ToString(), error.ToString());
    }
}
