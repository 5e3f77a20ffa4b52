using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Grassroots.Domain.Reconciliation;
using Grassroots.Silo.Branches;
using Grassroots.Silo.Commands;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Imports;
using Grassroots.Silo.Records;
using Grassroots.Silo.Reports;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests.Imports;

/// <summary>
/// POST /api/imports with an Excel workbook (.xlsx) written by openpyxl as a spreadsheet program writes one: its first
/// sheet read as the CSV file of the same kind would be, dates as dates, Chinese headers and labels, each rejected row
/// named by sheet, row and column; the dry run, the job and the re-import as for CSV.
/// </summary>
public sealed class ExcelImportTests
{
    /// <summary>Study sessions as a county federation keeps them: the template's headers, a date cell, labels, and two bad rows.</summary>
    private const string Sessions = """
        ws.title = '学习场次'
        ws.append(['序号', '基层工会编号', '记录编号', '活动编号', '标题', '举办日期', '形式', '类型', '参与人次', '一线职工人次', '青年职工人次', '女职工人次', '线上观看'])
        ws.append([1, 'b1', 's1', 'c1', '集中学习劳模表彰大会讲话精神', datetime.date(2020, 12, 4), '线下', '集中学习', 40, 20, 10, 15, 7])
        ws.append([2, 'b1', 's2', 'c1', '学习', '2020-12-05', 'offline', 'group-study', 50, 60, 0, 0, None])
        ws.append([])
        ws.append([3, 'b2', 's3', 'c1', None, datetime.date(2020, 12, 6), '线上', None, 30, None, None, None, None])
        ws.cell(row=5, column=5).value = '=学习'
        ws.cell(row=5, column=5).data_type = 's'
        ws.append([4, 'b9', 's4', 'c1', '学习', datetime.date(2020, 12, 7), '线下', None, 9, None, None, None, None])
        for row in ws.iter_rows(min_row=2, min_col=6, max_col=6):
            for cell in row:
                if isinstance(cell.value, datetime.date): cell.number_format = 'yyyy-mm-dd'
        """;

    [OpenpyxlTheory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task AWorkbookImportsAsItsCsvWouldAndNamesTheSheetRowAndColumnOfEachBadRow(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        var workbook = await Openpyxl.WriteAsync(Sessions);

        var dry = await (await client.PostXlsxAsync(workbook, query: "&dryRun=true")).ReadAsync<ImportResult>(HttpStatusCode.OK);
        Assert.Equal((4L, 2L, 2L), (dry.RowsRead, dry.Imported, dry.Rejected));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/branches/b1/study-sessions/s1")).StatusCode);

        var result = await (await client.PostXlsxAsync(workbook)).ReadAsync<ImportResult>(HttpStatusCode.OK);
        Assert.Equal((4L, 2L, 0L, 2L), (result.RowsRead, result.Imported, result.Unchanged, result.Rejected));
        // The empty row 4 is no row; the bad rows are named as the sheet shows them: its name, the row, the column letter.
        Assert.Equal([("学习场次", 3L, "J", "attendees.frontline"), ("学习场次", 6L, "B", "branchId")],
            result.Conflicts.Select(c => (c.Sheet, c.Line!.Value, c.Column, c.Field)).ToArray());

        var s1 = await (await client.GetAsync("/api/branches/b1/study-sessions/s1")).ReadAsync<StudySessionResponse>(HttpStatusCode.OK);
        Assert.Equal((new DateOnly(2020, 12, 4), "offline", "group-study", 40, 15), (s1.HeldOn, s1.Format, s1.Kind, s1.Attendees.Total, s1.Attendees.Women));
        // A text cell that starts with = is text, never a formula: stored as written, as a CSV import stores it.
        var s3 = await (await client.GetAsync("/api/branches/b2/study-sessions/s3")).ReadAsync<StudySessionResponse>(HttpStatusCode.OK);
        Assert.Equal(("=学习", "online"), (s3.Title, s3.Format));
        Assert.Equal(70, (await client.RollupAsync("CN")).Totals.Attendance);

        var again = await (await client.PostXlsxAsync(workbook)).ReadAsync<ImportResult>(HttpStatusCode.OK);
        Assert.Equal((0L, 2L, 2L), (again.Imported, again.Unchanged, again.Rejected));
        Assert.Empty(await app.Service<Reconciler>().CompareAsync());
    }

    [OpenpyxlTheory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task BranchesComeFromASheetWithRegionCodesTypedAsNumbersAndKindsAsLabels(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        var workbook = await Openpyxl.WriteAsync("""
            ws.title = '基层工会'
            ws.append(['基层工会编号', '名称', '地区代码', '行业', '会员人数', '类型'])
            ws.append(['x1', '西宁市第一机械厂工会', 630102, '制造业', 120, '企业'])
            ws.append(['x2', '城东区实验小学工会', 630102, '教育', 45, '事业单位'])
            ws.append(['x3', '不存在的县', 999999, None, 10, '企业'])
            """);

        var result = await (await client.PostXlsxAsync(workbook, type: "branches")).ReadAsync<ImportResult>(HttpStatusCode.OK);
        Assert.Equal((3L, 2L, 1L), (result.RowsRead, result.Imported, result.Rejected));
        var conflict = Assert.Single(result.Conflicts);
        Assert.Equal(("基层工会", 4L, "C", "regionCode"), (conflict.Sheet, conflict.Line!.Value, conflict.Column, conflict.Field));
        var x2 = await client.GetFromJsonAsync<BranchDto>("/api/branches/x2");
        Assert.Equal(("630102", "institution", 45), (x2!.RegionCode, x2.Kind, x2.MemberCount));
        Assert.Empty(await app.Service<Reconciler>().CompareAsync());
    }

    [OpenpyxlTheory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task AWorkbookImportsAsAJob(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        var workbook = await Openpyxl.WriteAsync(Sessions);

        var accepted = await (await client.PostXlsxAsync(workbook, query: "&async=true")).ReadAsync<ImportAccepted>(HttpStatusCode.Accepted);
        var job = await Eventually.ReadAsync(async () => (await client.GetFromJsonAsync<ImportJobResponse>($"/api/imports/{accepted.ImportId}"))!,
            j => j.State == "done", "the job to finish");
        Assert.Equal((4L, 4L, 2L, 2L), (job.RowsTotal, job.RowsRead, job.Imported, job.Rejected));
        Assert.All(job.Conflicts, c => Assert.Equal("学习场次", c.Sheet));
        Assert.Empty(await app.Service<Reconciler>().CompareAsync());
    }
}

/// <summary>The `import` command with an Excel file: sent whole as a job, its rows named as the sheet names them.</summary>
public sealed class ExcelImportCommandTests
{
    [OpenpyxlTheory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task TheImportCommandSendsAWorkbookAndNamesEachBadRowByItsCell(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartOnKestrelAsync(provider);
        await SeedAsync(app);
        var file = Path.Combine(Path.GetTempPath(), $"grassroots-test-{Guid.NewGuid():N}.xlsx");
        await File.WriteAllBytesAsync(file, await Openpyxl.WriteAsync("""
            ws.title = '学习场次'
            ws.append(['基层工会编号', '记录编号', '活动编号', '标题', '举办日期', '形式', '参与人次', '一线职工人次'])
            for i in range(1, 1201):
                ws.append(['b%d' % (1 + i % 3), 's%d' % i, 'c1', '学习', datetime.date(2020, 12, 1 + i % 20), '线下', 20, 30 if i == 700 else 5])
            """));
        try
        {
            var (output, progress) = (new StringWriter(), new StringWriter());
            var code = await CommandLine.RunAsync(["import", file, "--url", app.Address.ToString(), "--key", app.HqKey, "--type", "study-sessions"], output, progress);
            Assert.Equal(1, code);
            Assert.Contains("1,200 rows read: 1,199 imported, 0 updated, 0 unchanged, 1 rejected.", output.ToString());
            Assert.Contains("学习场次!H701: attendees.frontline: Must not exceed total (20).", output.ToString());
            Assert.EndsWith("100% (1,200 rows done)", progress.ToString().Trim());
            Assert.Empty(await app.Service<Reconciler>().CompareAsync());
        }
        finally
        {
            File.Delete(file);
        }
    }
}

/// <summary>Sending workbooks as a browser or the import command sends them.</summary>
public static class ExcelFiles
{
    public static async Task<HttpResponseMessage> PostXlsxAsync(this HttpClient client, byte[] workbook, string type = "study-sessions", string query = "")
    {
        var content = new ByteArrayContent(workbook);
        content.Headers.ContentType = new MediaTypeHeaderValue(XlsxFile.ContentType);
        return await client.PostAsync($"/api/imports?type={type}{query}", content);
    }
}
