using System.Net;
using Grassroots.Domain.Reconciliation;
using Grassroots.Silo.FunctionalTests.Imports;
using Grassroots.Silo.FunctionalTests.Security;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Imports;
using Grassroots.Silo.Security;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests.Approvals;

/// <summary>
/// While a period is submitted or approved for a region, records of its branches dated in it cannot be created,
/// corrected or voided — by PUT, DELETE or an import row — and the refusal names the lock; elsewhere and at other times
/// writes go on; once the period is returned or re-opened they are accepted again.
/// </summary>
public sealed class PeriodLockTests
{
    private const string Month = "2020-12";
    private static readonly DateOnly InMonth = new(2020, 12, 18), NextMonth = new(2021, 1, 5);

    private static readonly (string Kind, Func<DateOnly, int, object> Body)[] Kinds =
    [
        ("study-sessions", (day, n) => Session(n, day)),
        ("honoree-talks", (day, n) => Talk(n) with { HeldOn = day }),
        ("publicity", (day, n) => Publicity(n) with { PublishedOn = day }),
    ];

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task EveryWriteOfALockedPeriodIsRefusedNamingTheLockUntilItIsReturnedOrReopened(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var hq = app.CreateClient();
        var branch = await app.ClientAsync(Roles.Branch, "b1");
        foreach (var (kind, body) in Kinds)
        {
            Assert.Equal(HttpStatusCode.Created, (await branch.PutAsync($"/api/branches/b1/{kind}/in", body(InMonth, 40))).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await branch.PutAsync($"/api/branches/b1/{kind}/out", body(NextMonth, 40))).StatusCode);
        }
        var submitted = await hq.TakeAsync("submit", "630102", Month);

        foreach (var (kind, body) in Kinds)
        {
            var path = $"/api/branches/b1/{kind}";
            await (await branch.PutAsync($"{path}/new", body(InMonth, 10))).AssertLockedAsync(Month, "630102", "submitted");
            await (await branch.PutAsync($"{path}/in", body(InMonth, 41))).AssertLockedAsync(Month, "630102", "submitted");
            await (await branch.DeleteAsync($"{path}/in?reason=重复")).AssertLockedAsync(Month, "630102", "submitted");
            // Moving a record into the locked month, or out of it, changes the month's figures too.
            await (await branch.PutAsync($"{path}/out", body(InMonth, 40))).AssertLockedAsync(Month, "630102", "submitted");
            // The same body again changes nothing, so it is answered as before; other months are open.
            Assert.Equal(HttpStatusCode.OK, (await branch.PutAsync($"{path}/in", body(InMonth, 40))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await branch.PutAsync($"{path}/out", body(NextMonth, 41))).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await branch.PutAsync($"{path}/jan", body(NextMonth, 5))).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await branch.GetAsync($"{path}/new")).StatusCode);
        }
        // Another county of the same province is not locked by this county's submission.
        Assert.Equal(HttpStatusCode.Created, (await hq.PutAsync("/api/branches/b2/study-sessions/dec", Session(7, InMonth))).StatusCode);
        // A week of the month is locked too, whatever the kind the campaign is signed off by.
        await (await branch.PutAsync("/api/branches/b1/study-sessions/w", Session(3, new DateOnly(2020, 12, 1)))).AssertLockedAsync(Month, "630102", "submitted");

        // An import reports each locked row as a conflict naming its date field and the lock; the others are stored.
        var result = await (await branch.PostJsonAsync("""
            {"studySessions": [
               {"branchId":"b1","id":"imp-dec","campaignId":"c1","title":"学习","heldOn":"2020-12-19","format":"offline","attendees":{"total":9}},
               {"branchId":"b1","id":"in","campaignId":"c1","title":"学习","heldOn":"2020-12-18","format":"offline","attendees":{"total":99}},
               {"branchId":"b1","id":"imp-jan","campaignId":"c1","title":"学习","heldOn":"2021-01-19","format":"offline","attendees":{"total":9}}],
             "publicity": [
               {"branchId":"b1","id":"imp-dec","campaignId":"c1","channel":"wechat","outlet":"公众号","title":"劳模","publishedOn":"2020-12-02"}]}
            """)).ReadAsync<ImportResult>(HttpStatusCode.OK);
        Assert.Equal((1L, 3L), (result.Imported, result.Rejected));
        Assert.Equal([("publicity", 0L, "publishedOn"), ("study-sessions", 0L, "heldOn"), ("study-sessions", 1L, "heldOn")],
            result.Conflicts.Select(c => (c.Type, c.Index!.Value, c.Field)));
        Assert.All(result.Conflicts, c => Assert.Contains("2020-12 are locked for region 630102: the period is submitted", c.Message));
        var dry = await (await branch.PostJsonAsync("""
            {"studySessions": [
               {"branchId":"b1","id":"dry-dec","campaignId":"c1","title":"学习","heldOn":"2020-12-19","format":"offline","attendees":{"total":9}},
               {"branchId":"b1","id":"in","campaignId":"c1","title":"学习","heldOn":"2020-12-18","format":"offline","attendees":{"total":98}}]}
            """, "dryRun=true")).ReadAsync<ImportResult>(HttpStatusCode.OK);
        Assert.Equal((0L, 2L), (dry.Imported, dry.Rejected));
        var csv = await branch.ImportCsvAsync(ImportFiles.Csv(ImportFiles.ChineseHeader, ImportFiles.SessionLine("b1", "csv-dec", 8, "2020-12-21")));
        Assert.Equal(("heldOn", 2L), (csv.Conflicts.Single().Field, csv.Conflicts.Single().Line!.Value));

        // Nothing of the month moved: the figures are those submitted.
        var december = "campaignId=c1&from=2020-12-01&to=2020-12-31";
        Assert.Equal(submitted.Submitted, (await hq.RollupAsync("630102", december)).Totals);

        // Approved, it stays locked, and the refusal says so; the province's own submission locks every county in it.
        var province = await app.ClientAsync(Roles.RegionAdmin, "630000");
        await province.TakeAsync("approve", "630102", Month);
        await (await branch.DeleteAsync("/api/branches/b1/publicity/in?reason=重复")).AssertLockedAsync(Month, "630102", "approved");
        await province.TakeAsync("submit", "630000", Month);
        await (await hq.PutAsync("/api/branches/b2/study-sessions/dec", Session(8, InMonth))).AssertLockedAsync(Month, "630000", "submitted");

        // Returned (the province by hq) and re-opened (the county by the province): every kind of write goes through again.
        await hq.TakeAsync("return", "630000", Month, "请补充");
        Assert.Equal(HttpStatusCode.OK, (await hq.PutAsync("/api/branches/b2/study-sessions/dec", Session(8, InMonth))).StatusCode);
        await (await branch.PutAsync("/api/branches/b1/study-sessions/new", Session(10, InMonth))).AssertLockedAsync(Month, "630102", "approved");
        await province.TakeAsync("reopen", "630102", Month, "补录");
        foreach (var (kind, body) in Kinds)
        {
            var path = $"/api/branches/b1/{kind}";
            Assert.Equal(HttpStatusCode.Created, (await branch.PutAsync($"{path}/new", body(InMonth, 10))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await branch.PutAsync($"{path}/in", body(InMonth, 41))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await branch.PutAsync($"{path}/out", body(InMonth, 40))).StatusCode);
            Assert.Equal(HttpStatusCode.NoContent, (await branch.DeleteAsync($"{path}/in?reason=重复")).StatusCode);
        }
        Assert.Equal(1L, (await branch.ImportCsvAsync(ImportFiles.Csv(ImportFiles.ChineseHeader, ImportFiles.SessionLine("b1", "csv-dec", 8, "2020-12-21")))).Imported);
        Assert.Empty(await app.Service<Reconciler>().CompareAsync());
    }
}
