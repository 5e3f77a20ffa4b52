using System.Net;
using System.Net.Http.Json;
using Grassroots.Silo.Branches;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Security;
using Grassroots.Storage;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests.Security;

/// <summary>
/// The edges of scope the matrix does not reach: moving things across a boundary, admins below province level,
/// and which keys an admin may issue and revoke. World: <see cref="RecordScenario.SeedAsync"/>.
/// </summary>
public sealed class ScopeRulesTests
{
    [Fact]
    public async Task RegionAdminCannotMoveABranchAcrossTheEdgeOfItsSubtree()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        await SeedAsync(app);
        var qinghai = await app.ClientAsync(Roles.RegionAdmin, "630000");
        object To(string county) => new { name = "工会", regionCode = county, memberCount = 100 };

        await (await qinghai.PutAsync("/api/branches/b3", To("630102"))).AssertProblemAsync(HttpStatusCode.Forbidden); // 广东 → 青海
        await (await qinghai.PutAsync("/api/branches/b1", To("440112"))).AssertProblemAsync(HttpStatusCode.Forbidden); // 青海 → 广东
        Assert.Equal(HttpStatusCode.OK, (await qinghai.PutAsync("/api/branches/b1", To("630103"))).StatusCode); // within 青海

        var b3 = await (await app.CreateClient().GetAsync("/api/branches/b3")).ReadAsync<BranchDto>(HttpStatusCode.OK);
        Assert.Equal(("440112", 1L), (b3.RegionCode, b3.Version));
    }

    [Fact]
    public async Task OnlyAProvincesAdminManagesItsHonorees()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        await SeedAsync(app);
        object In(string province) => new { name = "劳模", title = "other", provinceCode = province };

        var qinghai = await app.ClientAsync(Roles.RegionAdmin, "630000");
        await (await qinghai.PutAsync("/api/honorees/h2", In("630000"))).AssertProblemAsync(HttpStatusCode.Forbidden); // 广东's honoree
        Assert.Equal(HttpStatusCode.OK, (await qinghai.PutAsync("/api/honorees/h1", In("630000"))).StatusCode);
        var xining = await app.ClientAsync(Roles.RegionAdmin, "630100");
        await (await xining.PutAsync("/api/honorees/h9", In("630000"))).AssertProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task CityAdminReadsItsCityAndBelowButNotItsProvince()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        await SeedAsync(app);
        var xining = await app.ClientAsync(Roles.RegionAdmin, "630100");

        Assert.Equal(HttpStatusCode.OK, (await xining.GetAsync($"/api/rollups/630100?campaignId={Campaign}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await xining.GetAsync($"/api/rollups/630102?campaignId={Campaign}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await xining.GetAsync("/api/branches/b1")).StatusCode);
        await (await xining.GetAsync($"/api/rollups/630000?campaignId={Campaign}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await xining.GetAsync("/api/regions/CN/branches")).AssertProblemAsync(HttpStatusCode.Forbidden);
        // Unknown places are outside every scope but hq's, which learns they do not exist.
        await (await xining.GetAsync("/api/branches/no-such-branch")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await app.CreateClient().GetAsync("/api/branches/no-such-branch")).AssertProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task RegionAdminIssuesAndRevokesOnlyKeysBelowItself()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        await SeedAsync(app);
        var qinghai = await app.ClientAsync(Roles.RegionAdmin, "630000");
        Task<HttpResponseMessage> Issue(string role, string scope) => qinghai.PostAsJsonAsync("/api/keys", new { role, scope, label = "x" });

        await (await Issue(Roles.Hq, "CN")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await Issue(Roles.RegionAdmin, "440000")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await Issue(Roles.Branch, "b3")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await Issue(Roles.Branch, "b1")).ReadAsync<IssuedKeyDto>(HttpStatusCode.Created);
        var xining = await (await Issue(Roles.RegionAdmin, "630100")).ReadAsync<IssuedKeyDto>(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.OK, (await app.ClientWith(xining.Key).GetAsync($"/api/rollups/630100?campaignId={Campaign}")).StatusCode);

        await (await Issue("owner", "630000")).AssertProblemAsync(HttpStatusCode.BadRequest, "role");
        await (await Issue(Roles.RegionAdmin, "CN")).AssertProblemAsync(HttpStatusCode.BadRequest, "scope");
        await (await Issue(Roles.Branch, "no-such-branch")).AssertProblemAsync(HttpStatusCode.BadRequest, "scope");
        await (await qinghai.PostAsJsonAsync("/api/keys", new { role = Roles.Branch, scope = "b1" })).AssertProblemAsync(HttpStatusCode.BadRequest, "label");
        var branch = await app.ClientAsync(Roles.Branch, "b1");
        await (await branch.PostAsJsonAsync("/api/keys", new { role = Roles.Branch, scope = "b1", label = "x" })).AssertProblemAsync(HttpStatusCode.Forbidden);

        await (await qinghai.DeleteAsync($"/api/keys/{Keys.KeyIdOf(app.HqKey)}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        var guangdong = await app.IssueAsync(Roles.RegionAdmin, "440000");
        await (await qinghai.DeleteAsync($"/api/keys/{Keys.KeyIdOf(guangdong)}")).AssertProblemAsync(HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.NoContent, (await qinghai.DeleteAsync($"/api/keys/{xining.KeyId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ClientWith(xining.Key).GetAsync("/api/regions/CN")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.ClientWith(guangdong).GetAsync("/api/regions/CN")).StatusCode);
    }
}
