using System.Net;
using System.Text.Json;
using Grassroots.Domain.Reconciliation;
using Grassroots.Silo.Apis;
using Grassroots.Silo.FunctionalTests.Imports;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Imports;
using Grassroots.Silo.Records;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Imports.ImportFiles;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests;

/// <summary>
/// 劳动和技能竞赛, the fourth kind of record: its lifecycle and rules as for the other kinds, its three figures in every
/// rollup and report, coverage counting it, and imports from CSV and Excel.
/// </summary>
public sealed class CompetitionsTests
{
    private const string Path = "/api/branches/b1/competitions/k1";

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task ACompetitionIsLoggedCorrectedAndVoidedAndItsFiguresReachEveryLevel(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();

        var put = await client.PutAsync(Path, Competition());
        Assert.Equal(Path, put.Headers.Location?.OriginalString);
        var created = await put.ReadAsync<CompetitionResponse>(HttpStatusCode.Created);
        Assert.Equal(("b1", "k1", "630102", "skills", 1L), (created.BranchId, created.Id, created.RegionCode, created.Kind, created.Version));
        Assert.Equal((new AttendeesResponse(120, 80, 40, 30), (int?)9, (DateOnly?)Day.AddDays(2)), (created.Participants, created.Awardees, created.EndsOn));
        Assert.Equal(1, (await (await client.PutAsync(Path, Competition())).ReadAsync<CompetitionResponse>(HttpStatusCode.OK)).Version);

        // Only a competition logged, and the branch counts as active: coverage counts every kind.
        foreach (var totals in await client.TotalsAsync(Chain))
            Assert.Equal((1L, 120L, 9L, 1L, 0L, 0L), (totals.Competitions, totals.CompetitionParticipants, totals.Awardees, totals.ActiveBranches,
                totals.StudySessions, totals.Attendance));

        var corrected = await (await client.PutAsync(Path, Competition(150, awardees: null, kind: "innovation"))).ReadAsync<CompetitionResponse>(HttpStatusCode.OK);
        Assert.Equal((2L, "innovation", (int?)null), (corrected.Version, corrected.Kind, corrected.Awardees));
        Assert.Equal((1L, 150L, 0L), Figures((await client.RollupAsync("630000")).Totals));

        using (var body = JsonDocument.Parse(await client.GetStringAsync(Path)))
        {
            var root = body.RootElement;
            Assert.Equal(("2020-12-04", "2020-12-06", 150), (root.GetProperty("startsOn").GetString(), root.GetProperty("endsOn").GetString(),
                root.GetProperty("participants").GetProperty("total").GetInt32()));
            foreach (var field in new[] { "campaignId", "title", "notes", "createdAt", "updatedAt", "voided", "voidReason" })
                Assert.True(root.TryGetProperty(field, out _), field);
        }

        using (var records = JsonDocument.Parse(await client.GetStringAsync("/api/branches/b1/records")))
        {
            var item = Assert.Single(records.RootElement.GetProperty("items").EnumerateArray());
            Assert.Equal(("competition", "k1", 150), (item.GetProperty("kind").GetString(), item.GetProperty("id").GetString(),
                item.GetProperty("figures").GetProperty("participants").GetInt32()));
        }

        await (await client.DeleteAsync(Path)).AssertProblemAsync(HttpStatusCode.BadRequest, "reason");
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"{Path}?reason=duplicate")).StatusCode);
        var voided = await (await client.GetAsync(Path)).ReadAsync<CompetitionResponse>(HttpStatusCode.OK);
        Assert.Equal((true, "duplicate"), (voided.Voided, voided.VoidReason));
        var after = (await client.RollupAsync("CN")).Totals;
        Assert.Equal((0L, 0L, 0L, 0L), (after.Competitions, after.CompetitionParticipants, after.Awardees, after.ActiveBranches));
        await (await client.PutAsync(Path, Competition())).AssertProblemAsync(HttpStatusCode.Conflict);
        await (await client.GetAsync("/api/branches/b1/competitions/k2")).AssertProblemAsync(HttpStatusCode.NotFound);
        Assert.Empty(await app.Service<Reconciler>().CompareAsync());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task ABadCompetitionIsRefusedNamingItsFieldAndNothingIsStored(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();

        await (await client.PutAsync(Path, Competition(10, awardees: 11, frontline: 5))).AssertProblemAsync(HttpStatusCode.BadRequest, "awardees");
        await (await client.PutAsync(Path, Competition(10, frontline: 11))).AssertProblemAsync(HttpStatusCode.BadRequest, "participants.frontline");
        await (await client.PutAsync(Path, Competition(kind: "football"))).AssertProblemAsync(HttpStatusCode.BadRequest, "kind");
        await (await client.PutAsync(Path, Competition(endsOn: Day.AddDays(-1)))).AssertProblemAsync(HttpStatusCode.BadRequest, "endsOn");
        await (await client.PutAsync(Path, Competition(startsOn: new DateOnly(2019, 1, 1), endsOn: new DateOnly(2019, 1, 2))))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "startsOn");
        await (await client.PutAsync(Path, Competition() with { Participants = null })).AssertProblemAsync(HttpStatusCode.BadRequest, "participants");
        await (await client.PutAsync(Path, Competition() with { Title = null })).AssertProblemAsync(HttpStatusCode.BadRequest, "title");
        await (await client.PutAsync("/api/branches/nope/competitions/k1", Competition())).AssertProblemAsync(HttpStatusCode.BadRequest, "branchId");

        await (await client.GetAsync(Path)).AssertProblemAsync(HttpStatusCode.NotFound);
        var national = (await client.RollupAsync("CN")).Totals;
        Assert.Equal((0L, 0L), (national.Competitions, national.ActiveBranches));

        // The two comparisons JSON Schema cannot state are in the document, for the branch page to check before it queues.
        using var document = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var properties = document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty("CompetitionRequest").GetProperty("properties");
        Assert.Equal("participants.total", properties.GetProperty("awardees").GetProperty("x-not-above").GetString());
        Assert.Equal("startsOn", properties.GetProperty("endsOn").GetProperty("x-not-before").GetString());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task CompetitionsImportFromACsvWithChineseHeadersAndLabelsAndReachTheReports(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        const string header = "基层工会编号,记录编号,活动编号,竞赛名称,竞赛类型,开始日期,结束日期,参与人次,一线职工人次,青年职工人次,女职工人次,获奖人数,备注";

        var result = await client.ImportCsvAsync(Csv(header,
            "b1,k1,c1,岗位练兵,劳动竞赛,2020-12-04,2020-12-20,200,150,60,50,12,",
            "b3,k2,c1,技能大赛,skills,2020-12-05,,80,,,,,决赛",
            "b2,k3,c1,创新大赛,创新竞赛,2020-12-06,,30,,,,31,",        // line 4: more awardees than participants
            "b2,k4,c1,创新大赛,足球赛,2020-12-06,,30,,,,,"), type: "competitions");   // line 5: no such kind

        Assert.Equal((4L, 2L, 2L), (result.RowsRead, result.Imported, result.Rejected));
        Assert.Equal([(4L, "awardees"), (5L, "kind")], result.Conflicts.Select(c => (c.Line!.Value, c.Field)).ToArray());
        var k1 = await (await client.GetAsync("/api/branches/b1/competitions/k1")).ReadAsync<CompetitionResponse>(HttpStatusCode.OK);
        Assert.Equal(("labour", (DateOnly?)new DateOnly(2020, 12, 20), 150), (k1.Kind, k1.EndsOn, k1.Participants.Frontline!.Value));
        Assert.Equal((2L, 280L, 12L), Figures((await client.RollupAsync("CN")).Totals));

        var again = await client.ImportCsvAsync(Csv(header, "b1,k1,c1,岗位练兵,劳动竞赛,2020-12-04,2020-12-20,200,150,60,50,12,"), type: "competitions");
        Assert.Equal((0L, 1L), (again.Imported, again.Unchanged));

        // The provinces report carries the three figures under their Chinese headers, beside the others.
        var rows = (await client.GetStringAsync($"/api/reports/provinces.csv?campaignId={Campaign}")).TrimStart('\uFEFF')
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(',')).ToArray();
        var columns = rows[0];
        var qinghai = rows.Single(r => r[0] == "630000");
        Assert.Equal(["1", "200", "12"], new[] { "竞赛场次", "竞赛参与人次", "获奖人数" }.Select(h => qinghai[Array.IndexOf(columns, h)]));
        Assert.Empty(await app.Service<Reconciler>().CompareAsync());
    }

    [OpenpyxlTheory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task CompetitionsImportFromAWorkbookWithDateCellsAndLabels(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        var workbook = await Openpyxl.WriteAsync("""
            ws.title = '劳动和技能竞赛'
            ws.append(['基层工会编号', '记录编号', '活动编号', '竞赛名称', '竞赛类型', '开始日期', '结束日期', '参与人次', '获奖人数'])
            ws.append(['b1', 'k1', 'c1', '岗位练兵', '技能竞赛', datetime.date(2020, 12, 4), datetime.date(2020, 12, 9), 60, 6])
            ws.append(['b2', 'k2', 'c1', '合理化建议', '创新竞赛', datetime.date(2020, 12, 8), datetime.date(2020, 12, 7), 20, None])
            for row in ws.iter_rows(min_row=2, min_col=6, max_col=7):
                for cell in row: cell.number_format = 'yyyy-mm-dd'
            """);

        var result = await (await client.PostXlsxAsync(workbook, type: "competitions")).ReadAsync<ImportResult>(HttpStatusCode.OK);
        Assert.Equal((2L, 1L, 1L), (result.RowsRead, result.Imported, result.Rejected));
        Assert.Equal([("劳动和技能竞赛", 3L, "G", "endsOn")], result.Conflicts.Select(c => (c.Sheet, c.Line!.Value, c.Column, c.Field)).ToArray());
        var k1 = await (await client.GetAsync("/api/branches/b1/competitions/k1")).ReadAsync<CompetitionResponse>(HttpStatusCode.OK);
        Assert.Equal(("skills", new DateOnly(2020, 12, 4), 6), (k1.Kind, k1.StartsOn, k1.Awardees!.Value));
        Assert.Equal((1L, 60L, 6L), Figures((await client.RollupAsync("630102")).Totals));
        Assert.Empty(await app.Service<Reconciler>().CompareAsync());
    }

    private static (long, long, long) Figures(TotalsDto t) => (t.Competitions, t.CompetitionParticipants, t.Awardees);
}
