using System.Net;
using System.Net.Http.Json;
using System.Text;
using Grassroots.Silo.Audit;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Security;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests.Approvals;

/// <summary>
/// GET /api/audit: every kind of change — records created, corrected and voided, branches, honorees and campaigns created
/// and corrected, keys issued and revoked, periods submitted, approved, returned and re-opened — with who (key id and
/// label), when, before and after; scoped like reads; paged; and as CSV with Chinese headers.
/// </summary>
public sealed class AuditTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task EveryKindOfChangeIsReadableWithWhoWhenBeforeAndAfterOnlyInsideTheKeysScope(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var hq = app.CreateClient();
        var issued = await (await hq.PostAsJsonAsync("/api/keys", new { role = "branch", scope = "b1", label = "城东某厂工会" }))
            .ReadAsync<IssuedKeyDto>(HttpStatusCode.Created);
        var branch = app.ClientWith(issued.Key);
        var provinceKey = await (await hq.PostAsJsonAsync("/api/keys", new { role = "region-admin", scope = "630000", label = "青海省总工会" }))
            .ReadAsync<IssuedKeyDto>(HttpStatusCode.Created);
        var province = app.ClientWith(provinceKey.Key);
        var spare = await (await province.PostAsJsonAsync("/api/keys", new { role = "branch", scope = "b2", label = "备用" }))
            .ReadAsync<IssuedKeyDto>(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.NoContent, (await province.DeleteAsync($"/api/keys/{spare.KeyId}")).StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await branch.PutAsync("/api/branches/b1/study-sessions/s1", Session(45))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await branch.PutAsync("/api/branches/b1/study-sessions/s1", Session(50))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await branch.DeleteAsync("/api/branches/b1/study-sessions/s1?reason=重复登记")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await hq.PutAsync("/api/branches/b3/publicity/p1", Publicity())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await province.PutAsync("/api/branches/b1",
            new { name = "城东某厂工会（更名）", regionCode = "630102", memberCount = 130 })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await province.PutAsync("/api/honorees/h9",
            new { name = "张某", title = "provincial-model-worker", provinceCode = "630000" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await hq.PutAsync("/api/campaigns/c1", new { title = "学习劳模精神（更名）", startsOn = "2020-11-24", endsOn = "2021-12-31" })).StatusCode);
        await hq.TakeAsync("submit", "630102", "2020-12");
        await province.TakeAsync("return", "630102", "2020-12", "请核实");
        await hq.TakeAsync("submit", "630102", "2020-12");
        await province.TakeAsync("approve", "630102", "2020-12");
        await province.TakeAsync("reopen", "630102", "2020-12", "补录");

        // One record's history, newest first: who (key id and label), before and after.
        var history = await AuditAsync(hq, "branchId=b1&recordType=study-sessions&recordId=s1");
        Assert.Equal(["voided", "corrected", "created"], history.Items.Select(e => e.What));
        Assert.All(history.Items, e => Assert.Equal((issued.KeyId, "城东某厂工会", "study-sessions", "s1"), (e.By.KeyId, e.By.Label, e.RecordType, e.RecordId)));
        var (voided, corrected, created) = (history.Items[0], history.Items[1], history.Items[2]);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, created.Before.ValueKind);
        Assert.Equal(45, created.After.GetProperty("data").GetProperty("attendees").GetProperty("total").GetInt32());
        Assert.Equal((45, 50), (corrected.Before.GetProperty("data").GetProperty("attendees").GetProperty("total").GetInt32(),
            corrected.After.GetProperty("data").GetProperty("attendees").GetProperty("total").GetInt32()));
        Assert.Equal((false, true, "重复登记"), (voided.Before.GetProperty("voided").GetBoolean(), voided.After.GetProperty("voided").GetBoolean(),
            voided.After.GetProperty("voidReason").GetString()));
        Assert.True(created.At <= corrected.At && corrected.At <= voided.At);

        // Every kind of change, as hq reads it.
        var all = await AuditAsync(hq, "pageSize=500");
        Assert.Equal(all.Total, all.Items.Count);
        foreach (var (what, entity) in new[]
                 {
                     ("created", "study-session"), ("corrected", "study-session"), ("voided", "study-session"), ("created", "publicity-item"),
                     ("created", "branch"), ("corrected", "branch"), ("created", "honoree"), ("corrected", "campaign"), ("key-issued", "api-key"),
                     ("key-revoked", "api-key"), ("submitted", "period"), ("approved", "period"), ("returned", "period"), ("reopened", "period"),
                 })
            Assert.Contains(all.Items, e => e.What == what && e.Entity == entity);
        var returned = all.Items.Single(e => e.What == "returned");
        Assert.Equal(("630102/c1/2020-12", provinceKey.KeyId, "青海省总工会", "submitted", "returned", "请核实"),
            (returned.Key, returned.By.KeyId, returned.By.Label, returned.Before.GetProperty("state").GetString(),
             returned.After.GetProperty("state").GetString(), returned.After.GetProperty("reason").GetString()));
        Assert.Equal("城东某厂工会（更名）", all.Items.Single(e => e.Entity == "branch" && e.What == "corrected").After.GetProperty("name").GetString());
        Assert.Equal("工会 b1", all.Items.Single(e => e.Entity == "branch" && e.Key == "b1" && e.What == "created").After.GetProperty("name").GetString());

        // A region-admin reads its subtree and nothing else; a branch key its own branch.
        var mine = await AuditAsync(province, "pageSize=500");
        Assert.Contains(mine.Items, e => e.What == "voided");
        Assert.Contains(mine.Items, e => e.Entity == "period");
        Assert.Contains(mine.Items, e => e.What == "key-revoked" && e.Key == spare.KeyId);
        Assert.DoesNotContain(mine.Items, e => e.BranchId is "b3" or "b4" || e.Entity == "campaign" || e.RegionCode is "440112" or "440000");
        Assert.Equal(mine.Total, (await AuditAsync(province, "regionCode=630000&pageSize=500")).Total);
        await (await province.GetAsync("/api/audit?regionCode=440000")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await province.GetAsync("/api/audit?branchId=b3")).AssertProblemAsync(HttpStatusCode.Forbidden);
        var own = await AuditAsync(branch, "pageSize=500");
        Assert.NotEmpty(own.Items);
        Assert.All(own.Items, e => Assert.Equal("b1", e.BranchId));
        await (await branch.GetAsync("/api/audit?branchId=b2")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await branch.GetAsync("/api/audit?regionCode=630102")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await branch.GetAsync("/api/audit?recordId=s1")).AssertProblemAsync(HttpStatusCode.BadRequest, "recordId");

        // Paged: the pages, newest first, are the whole list; dates are days in Beijing.
        var first = await AuditAsync(hq, "pageSize=3");
        var second = await AuditAsync(hq, "pageSize=3&page=2");
        Assert.Equal(all.Items.Take(6).Select(e => (e.At, e.Key, e.What)), first.Items.Concat(second.Items).Select(e => (e.At, e.Key, e.What)));
        Assert.Equal(0, (await AuditAsync(hq, "to=2020-01-01")).Total);
        Assert.Equal(all.Total, (await AuditAsync(hq, "from=2020-01-01&pageSize=500")).Total);

        // CSV for Excel: UTF-8 with a byte order mark, Chinese headers, one line per entry.
        using var csv = await province.GetAsync("/api/audit.csv?branchId=b1");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("时间（北京时间）,操作,对象类型,对象编号,基层工会编号", lines[0]);
        Assert.Equal((await AuditAsync(province, "branchId=b1&pageSize=500")).Total + 1, lines.Length);
        Assert.Contains(lines, l => l.Contains(",作废,学习会,b1/s1,b1,", StringComparison.Ordinal) && l.Contains("城东某厂工会", StringComparison.Ordinal));
    }

    private static async Task<AuditPage> AuditAsync(HttpClient client, string query) =>
        await (await client.GetAsync($"/api/audit?{query}")).ReadAsync<AuditPage>(HttpStatusCode.OK);
}
