using System.Net;
using System.Net.Http.Json;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Security;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests.Security;

/// <summary>What the database keeps about keys — never the key — and what the change log says about who did what.</summary>
public sealed class ApiKeyStorageTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task StoredKeyTableHoldsNoUsableKeyMaterial(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var issued = await (await app.CreateClient().PostAsJsonAsync("/api/keys", new { role = "region-admin", scope = "630000", label = "qinghai-ftu" }))
            .ReadAsync<IssuedKeyDto>(HttpStatusCode.Created);
        var secret = ApiKeySecret.Parse(issued.Key)!.Secret;

        // Every column of every row of the keys' table and of any stored grain state, read as text straight from the tables.
        var cells = new List<string>();
        foreach (var table in new[] { "api_keys", "orleans_storage" })
            cells.AddRange((await app.Service<Database>().QueryAsync($"SELECT * FROM {table}", [],
                r => Enumerable.Range(0, r.FieldCount).Select(i => r.IsDBNull(i) ? "" : r.GetValue(i) is byte[] b
                    ? System.Text.Encoding.UTF8.GetString(b) : Convert.ToString(r.GetValue(i))!).ToList())).SelectMany(row => row));
        Assert.Contains(cells, c => c == issued.KeyId);
        Assert.All(cells, cell =>
        {
            Assert.DoesNotContain(secret, cell, StringComparison.Ordinal);
            Assert.DoesNotContain(issued.Key, cell, StringComparison.Ordinal);
        });
        // The key's row keeps the SHA-256 of the secret, and only that.
        var hash = ApiKeySecret.Hash(secret);
        Assert.Contains(cells, c => c.Contains(hash, StringComparison.Ordinal));

        // The hash alone does not let anyone in, whether sent as the secret or as the whole key.
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ClientWith($"gr_{issued.KeyId}_{hash}").GetAsync("/api/regions/CN")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ClientWith(hash).GetAsync("/api/regions/CN")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.ClientWith(issued.Key).GetAsync("/api/regions/CN")).StatusCode);

        // Nor does the change log hold it: it says who issued which key for what, and nothing more.
        var changes = await app.ChangesAsync("api-key", issued.KeyId);
        Assert.Equal($"key:{Keys.KeyIdOf(app.HqKey)} create {{\"role\":\"region-admin\",\"scope\":\"630000\",\"label\":\"qinghai-ftu\"}}",
            Assert.Single(changes));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task RevokedKeyIsRefusedAtOnceAndRevokingIsLogged(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        var hq = app.CreateClient();
        var key = await app.IssueAsync(Roles.RegionAdmin, "630000");
        var holder = app.ClientWith(key);
        Assert.Equal(HttpStatusCode.OK, (await holder.GetAsync("/api/regions/630000")).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await hq.DeleteAsync($"/api/keys/{Keys.KeyIdOf(key)}")).StatusCode);

        var refused = await holder.GetAsync("/api/regions/630000");
        await refused.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer error=\"invalid_token\"", refused.Headers.WwwAuthenticate.ToString());
        Assert.Equal(HttpStatusCode.NoContent, (await hq.DeleteAsync($"/api/keys/{Keys.KeyIdOf(key)}")).StatusCode); // twice: no change
        await (await hq.DeleteAsync("/api/keys/0123456789abcdef")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal([$"test create {{\"role\":\"region-admin\",\"scope\":\"630000\",\"label\":\"test region-admin 630000\"}}",
            $"key:{Keys.KeyIdOf(app.HqKey)} revoke "], await app.ChangesAsync("api-key", Keys.KeyIdOf(key)));
        var stored = (await app.Service<ApiKeyStore>().ListAsync()).Single(k => k.KeyId == Keys.KeyIdOf(key));
        Assert.True(stored.IsRevoked);
    }

    [Fact]
    public async Task RecordsSayWhichKeyCreatedThemAndTheChangeLogWhichKeyChangedThem()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        await SeedAsync(app);
        var key = await app.IssueAsync(Roles.Branch, "b1");

        Assert.Equal(HttpStatusCode.Created, (await app.ClientWith(key).PutAsync("/api/branches/b1/study-sessions/s1", Session())).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await app.CreateClient().DeleteAsync("/api/branches/b1/study-sessions/s1?reason=twice")).StatusCode);

        // A creation is its own row, with who made it; the log keeps what changed a record afterwards.
        Assert.Equal([$"key:{Keys.KeyIdOf(key)}"],
            await app.Service<Database>().QueryAsync("SELECT created_by FROM study_sessions WHERE session_id = 's1'", [], r => r.GetString(0)));
        Assert.StartsWith($"key:{Keys.KeyIdOf(app.HqKey)} void ", Assert.Single(await app.ChangesAsync("study-session", "b1/s1")));
    }

    [Fact]
    public async Task MissingKeyIsAskedForWithABearerChallenge()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);

        var response = await app.ClientWith(null).PutAsync("/api/campaigns/c9", new { title = "x", startsOn = "2021-01-01" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("An API key is required.", problem.GetProperty("title").GetString());
        // What needs no key still needs none.
        Assert.Equal(HttpStatusCode.OK, (await app.ClientWith(null).GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.ClientWith(null).GetAsync("/")).StatusCode);
    }
}
