using System.Net;
using System.Net.Http.Json;
using Grassroots.Silo.FunctionalTests.Security;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Security;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests.Hostile;

/// <summary>A region-admin manages keys below itself (README): never one of its own region, which is a peer of equal rights.</summary>
public sealed class KeyIssuingTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task RegionAdminCannotIssueOrRevokeAKeyForItsOwnRegion(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var qinghai = await app.ClientAsync(Roles.RegionAdmin, "630000");
        var peer = await app.IssueAsync(Roles.RegionAdmin, "630000");

        await (await qinghai.PostAsJsonAsync("/api/keys", new { role = Roles.RegionAdmin, scope = "630000", label = "peer" }))
            .AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await qinghai.DeleteAsync($"/api/keys/{Keys.KeyIdOf(peer)}")).AssertProblemAsync(HttpStatusCode.Forbidden);

        Assert.Equal(HttpStatusCode.OK, (await app.ClientWith(peer).GetAsync("/api/regions/CN")).StatusCode);
        await (await qinghai.PostAsJsonAsync("/api/keys", new { role = Roles.RegionAdmin, scope = "630100", label = "below" }))
            .ReadAsync<IssuedKeyDto>(HttpStatusCode.Created);
        await (await qinghai.PostAsJsonAsync("/api/keys", new { role = Roles.Branch, scope = "b1", label = "branch" }))
            .ReadAsync<IssuedKeyDto>(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task KeysAreListedToThoseWhoMayManageThemWithoutTheirSecrets(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var qinghai = await app.IssueAsync(Roles.RegionAdmin, "630000");
        var xining = await app.IssueAsync(Roles.RegionAdmin, "630100");
        var branch = await app.IssueAsync(Roles.Branch, "b1");
        var guangdong = await app.IssueAsync(Roles.Branch, "b3");

        var all = await (await app.CreateClient().GetAsync("/api/keys")).ReadAsync<KeyList>(HttpStatusCode.OK);
        Assert.Superset(new[] { qinghai, xining, branch, guangdong }.Select(Keys.KeyIdOf).ToHashSet(), all.Items.Select(k => k.KeyId).ToHashSet());
        var text = await (await app.CreateClient().GetAsync("/api/keys")).Content.ReadAsStringAsync();
        Assert.All(new[] { qinghai, xining, branch, guangdong }, key => Assert.DoesNotContain(key, text, StringComparison.Ordinal));

        // Qinghai's admin manages what lies below it: Xining's admin and the branch in 西宁, not itself and not Guangdong's branch.
        var below = await (await app.ClientWith(qinghai).GetAsync("/api/keys")).ReadAsync<KeyList>(HttpStatusCode.OK);
        Assert.Equal(new[] { xining, branch }.Select(Keys.KeyIdOf).Order(), below.Items.Select(k => k.KeyId).Order());
        await (await app.ClientWith(branch).GetAsync("/api/keys")).AssertProblemAsync(HttpStatusCode.Forbidden);
    }
}
