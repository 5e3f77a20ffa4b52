using System.Net;
using System.Net.Http.Json;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Security;
using Grassroots.Storage;
using Grassroots.TestSupport;
using Microsoft.AspNetCore.Routing;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests.Security;

/// <summary>
/// The whole <see cref="AccessMatrix"/> on both databases: every endpoint × role × (inside scope, outside scope,
/// revoked key), and no key, an unknown key, a known key id with a wrong secret, a malformed key and another scheme.
/// Every answer is 2xx, 401 or 403 as the table says, and after every 401 or 403 nothing was stored: the change log
/// and the key table are as they were, and the resource a refused write aimed at reads (as hq) as it did before.
/// </summary>
public sealed class AccessMatrixTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task EveryEndpointAnswersEachRoleByScopeAndRefusesMissingUnknownAndRevokedKeysStoringNothing(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var hq = app.CreateClient();
        await AccessMatrix.SeedRecordsAsync(hq);
        var store = app.Service<ApiKeyStore>();
        var setup = new Setup(hq, store);

        var live = new Dictionary<string, HttpClient>();
        var revoked = new Dictionary<string, HttpClient>();
        foreach (var (role, scope, _, _) in AccessMatrix.Keys)
        {
            live[role] = app.ClientWith((await store.CreateAsync(role, scope, $"matrix {role}", "test")).Key);
            var gone = await store.CreateAsync(role, scope, $"revoked {role}", "test");
            revoked[role] = app.ClientWith(gone.Key);
            // Used once first, so the key sits in the cache when it is revoked: revocation must not wait for the cache.
            Assert.Equal(HttpStatusCode.OK, (await revoked[role].GetAsync("/api/campaigns")).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await hq.DeleteAsync($"/api/keys/{gone.Record.KeyId}")).StatusCode);
        }
        var hqKeyId = ApiKeySecret.Parse(app.HqKey)!.KeyId;
        (string Situation, HttpClient Client)[] strangers =
        [
            ("no key", app.ClientWith(null)),
            ("unknown key", app.ClientWith(ApiKeySecret.New().Key)),
            ("hq key id, wrong secret", app.ClientWith($"gr_{hqKeyId}_{ApiKeySecret.New().Secret}")),
            ("malformed key", app.ClientWith("not-a-key")),
            ("other scheme", Raw(app, "Basic aHE6aHE=")),
        ];

        var run = new MatrixRun(app, setup);
        foreach (var row in AccessMatrix.Rows)
        {
            foreach (var (role, _, inside, outside) in AccessMatrix.Keys)
            {
                await run.CheckAsync(row, $"{role}, inside", live[role], inside, row.Expected(role, inside: true));
                await run.CheckAsync(row, $"{role}, outside", live[role], outside, row.Expected(role, inside: false));
                await run.CheckAsync(row, $"{role}, revoked", revoked[role], inside, 401);
            }
            foreach (var (situation, client) in strangers) await run.CheckAsync(row, situation, client, AccessMatrix.Keys[2].Inside, 401);
        }

        output.WriteLine($"{run.Requests} requests over {AccessMatrix.Rows.Length} endpoints; {run.Refusals} refusals checked for stored changes");
        Assert.True(run.Failures.Count == 0, $"{run.Failures.Count} of {run.Requests} answers differ from the table:\n" + string.Join("\n", run.Failures));
    }

    [Fact]
    public async Task TheMatrixHasARowForEveryApiEndpoint()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        var mapped = app.Service<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.StartsWith("/api/", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .Order(StringComparer.Ordinal);
        Assert.Equal(mapped, AccessMatrix.Rows.Select(r => r.Endpoint).Order(StringComparer.Ordinal));
    }

    private static HttpClient Raw(GrassrootsApp app, string authorization)
    {
        var client = app.ClientWith(null);
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        return client;
    }

    /// <summary>Sends the requests of one matrix run and collects every answer that differs from the table.</summary>
    private sealed class MatrixRun(GrassrootsApp app, Setup setup)
    {
        public List<string> Failures { get; } = [];
        public int Requests { get; private set; }
        public int Refusals { get; private set; }

        public async Task CheckAsync(Row row, string situation, HttpClient client, Target target, int expected)
        {
            var call = await row.Prepare(setup, target, (++Requests).ToString(System.Globalization.CultureInfo.InvariantCulture));
            var path = row.Path(call);
            var refused = expected is 401 or 403;
            var before = refused ? await SnapshotAsync(row, path) : null;

            using var request = new HttpRequestMessage(new HttpMethod(row.Method), path)
            {
                Content = call.Body is null ? null : JsonContent.Create(call.Body, options: Json),
            };
            using var response = await client.SendAsync(request);
            var status = (int)response.StatusCode;
            var where = $"{row.Endpoint} [{situation}] {row.Method} {path}";
            if (status != expected)
                Failures.Add($"{where}: expected {expected}, got {status} {await response.Content.ReadAsStringAsync()}");
            else if (refused && response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                Failures.Add($"{where}: {status} without problem details");
            else if (status == 401 && !response.Headers.WwwAuthenticate.Any(h => h.Scheme == "Bearer"))
                Failures.Add($"{where}: 401 without 'WWW-Authenticate: Bearer'");
            if (!refused) return;

            Refusals++;
            var after = await SnapshotAsync(row, path);
            if (after != before) Failures.Add($"{where}: refused, yet something was stored: {before} → {after}");
        }

        /// <summary>
        /// Change-log length and key counts (every write of a fact or a key appends to the change log in its own
        /// transaction), and for a refused PUT or DELETE of a resource, what hq reads at that path.
        /// </summary>
        private async Task<string> SnapshotAsync(Row row, string path)
        {
            var counts = (await app.Service<Database>().QueryAsync(
                "SELECT (SELECT COUNT(*) FROM change_log), (SELECT COUNT(*) FROM api_keys), (SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NOT NULL)",
                [], r => $"change_log {r.GetValue(0)}, api_keys {r.GetValue(1)} ({r.GetValue(2)} revoked)")).Single();
            if (row.Method is not ("PUT" or "DELETE") || row.Route.StartsWith("/api/keys", StringComparison.Ordinal)) return counts;
            using var read = await setup.Hq.GetAsync(path.Split('?')[0]);
            // A 404's problem details carry a trace id that differs per request; its status says enough.
            return $"{counts}; GET {(int)read.StatusCode} {(read.IsSuccessStatusCode ? await read.Content.ReadAsStringAsync() : "")}";
        }
    }
}
