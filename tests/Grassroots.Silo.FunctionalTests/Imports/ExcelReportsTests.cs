using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grassroots.Silo.FunctionalTests.Security;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Imports;
using Grassroots.Silo.Records;
using Grassroots.Silo.Reports;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Imports.ImportFiles;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests.Imports;

/// <summary>
/// The .xlsx twins of the CSV reports and the import templates, each read back by openpyxl, a reader the service does not
/// use: the Chinese headers in a frozen first row, numbers as numbers in their formats, dates as dates, column widths, and
/// a template's dropdowns; a template filled in by a spreadsheet program imports.
/// </summary>
public sealed class ExcelReportsTests
{
    [OpenpyxlTheory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task EveryCsvReportComesAsAWorkbookWithTheSameRowsAsNumbersAndDates(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        Assert.Equal(0, (await client.ImportCsvAsync(Csv(ChineseHeader, SessionLine("b1", "s1", 40), SessionLine("b3", "s2", 25, day: "2020-12-06")))).Rejected);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/branches/b3/study-sessions/s2?reason=重复")).StatusCode);
        var rollup = await Eventually.ReadAsync(() => client.RollupAsync("CN"), r => r.Totals.StudySessions == 1, "the void in the rollup");

        var provinces = await SheetAsync(client, "/api/reports/provinces.xlsx?campaignId=c1", "各省份汇总");
        Assert.Equal("A2", provinces.GetProperty("freeze").GetString());
        Assert.Equal(["省份代码", "省份", .. ReportsApi.FigureHeaders], Values(provinces, 0));
        var qinghai = Cells(provinces).Single(r => r[0].GetProperty("value").GetString() == "630000");
        // After the code and the name, the figures in the order of their headers.
        int coverage = 2 + Array.IndexOf(ReportsApi.FigureHeaders, "覆盖率"), registered = 2 + Array.IndexOf(ReportsApi.FigureHeaders, "已登记基层工会");
        var qinghaiTotals = rollup.Children.Single(c => c.Code == "630000").Totals;
        Assert.Equal((40, "n", "#,##0"), (qinghai[3].GetProperty("value").GetInt32(), qinghai[3].GetProperty("type").GetString(), qinghai[3].GetProperty("format").GetString()));
        Assert.Equal((qinghaiTotals.Coverage, "0.0%"), (qinghai[coverage].GetProperty("value").GetDouble(), qinghai[coverage].GetProperty("format").GetString()));
        var national = Cells(provinces)[^1];
        Assert.Equal(("全国合计", rollup.Totals.RegisteredBranches), (national[1].GetProperty("value").GetString(), national[registered].GetProperty("value").GetInt64()));
        Assert.True(provinces.GetProperty("widths").GetProperty("B").GetDouble() >= 14);

        // A province's child regions, as the dashboard's table shows them, and the province's own total last.
        var qinghaiCities = await SheetAsync(client, "/api/reports/children.xlsx?regionCode=630000&campaignId=c1", "下级地区");
        Assert.Equal(["地区代码", "地区", .. ReportsApi.FigureHeaders], Values(qinghaiCities, 0));
        var qinghaiRollup = await client.RollupAsync("630000");
        Assert.Equal([.. qinghaiRollup.Children.Select(c => c.Code), "630000"], Cells(qinghaiCities).Skip(1).Select(r => r[0].GetProperty("value").GetString()));
        var xining = Cells(qinghaiCities).Single(r => r[0].GetProperty("value").GetString() == "630100");
        Assert.Equal((40, "n"), (xining[3].GetProperty("value").GetInt32(), xining[3].GetProperty("type").GetString()));
        Assert.Equal((qinghaiRollup.Totals.RegisteredBranches, "青海省合计"),
            (Cells(qinghaiCities)[^1][registered].GetProperty("value").GetInt64(), Cells(qinghaiCities)[^1][1].GetProperty("value").GetString()));
        // With a sign-off period, the dashboard's 审核状态 after the figures (no county of Xining has submitted).
        var signed = await SheetAsync(client, "/api/reports/children.xlsx?regionCode=630000&campaignId=c1&period=2020-12", "下级地区");
        Assert.Equal(["地区代码", "地区", .. ReportsApi.FigureHeaders, "审核状态"], Values(signed, 0));
        Assert.StartsWith("已审核 0/", Cells(signed).Single(r => r[0].GetProperty("value").GetString() == "630100")[^1].GetProperty("value").GetString());

        var inactive = await SheetAsync(client, "/api/reports/inactive-branches.xlsx?regionCode=CN&campaignId=c1", "未开展的基层工会");
        Assert.Equal(["b2", "b3", "b4"], Cells(inactive).Skip(1).Select(r => r[0].GetProperty("value").GetString()));
        Assert.Equal(("会员人数", "n"), (Values(inactive, 0)[6], Cells(inactive)[1][6].GetProperty("type").GetString()));

        var audit = await SheetAsync(client, "/api/audit.xlsx?regionCode=CN", "修改记录");
        var voided = Cells(audit).Skip(1).Single(r => r[3].GetProperty("value").GetString() == "b3/s2" && r[1].GetProperty("value").GetString() == "作废");
        // A time as Excel's date and time, in Beijing (the void happened today, as the service's clock counts days).
        Assert.Equal(("yyyy-mm-dd hh:mm:ss", "d"), (voided[0].GetProperty("format").GetString(), voided[0].GetProperty("type").GetString()));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$", voided[0].GetProperty("value").GetString());
        Assert.Equal("A2", audit.GetProperty("freeze").GetString());
    }

    [OpenpyxlTheory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task TemplatesHaveDropdownsForEveryEnumColumnDatesAsDatesAndForACountyItsBranches(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        await AddBranchAsync(app, "b5", "630102");
        var hq = app.CreateClient();

        var template = await Openpyxl.ReadAsync(await hq.GetByteArrayAsync("/api/imports/templates/study-sessions.xlsx"));
        var sheet = Assert.Single(template.EnumerateArray());
        Assert.Equal(("学习场次", "A2"), (sheet.GetProperty("name").GetString(), sheet.GetProperty("freeze").GetString()));
        var headers = Values(sheet, 0);
        Assert.Equal(ImportKinds.StudySessions.Columns.Select(c => c.Title), headers);
        var dropdowns = sheet.GetProperty("validations").EnumerateArray().ToDictionary(
            v => headers[v.GetProperty("cells").GetString()![0] - 'A'], v => (v.GetProperty("type").GetString(), v.GetProperty("formula").GetString()));
        Assert.Equal(("list", "\"线下,线上,线上线下结合\""), dropdowns["形式"]);
        Assert.Equal(("list", "\"集中学习,座谈会,专题讲座,班组学习,知识竞赛,其他\""), dropdowns["类型"]);
        Assert.Equal(2, dropdowns.Count); // the two columns of fixed values
        var columnFormats = sheet.GetProperty("columnFormats");
        Assert.True(columnFormats.TryGetProperty(Letter(headers, "日期"), out var dateFormat), $"no format for the date column: {sheet}");
        Assert.Equal("yyyy-mm-dd", dateFormat.GetString());

        // A county's admin gets its branches, which the branch column offers.
        var county = app.ClientWith(await app.IssueAsync("region-admin", "630102"));
        var countyTemplate = (await Openpyxl.ReadAsync(await county.GetByteArrayAsync("/api/imports/templates/study-sessions.xlsx"))).EnumerateArray().ToList();
        Assert.Equal(["学习场次", ImportsApi.BranchesSheet], countyTemplate.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(["b1", "b5"], Cells(countyTemplate[1]).Skip(1).Select(r => r[0].GetProperty("value").GetString()));
        Assert.Contains(countyTemplate[0].GetProperty("validations").EnumerateArray(),
            v => v.GetProperty("formula").GetString() == $"'{ImportsApi.BranchesSheet}'!$A$2:$A$3" || v.GetProperty("formula").GetString() == $"{ImportsApi.BranchesSheet}!$A$2:$A$3");
        var qinghai = app.ClientWith(await app.IssueAsync("region-admin", "630000"));
        Assert.Single((await Openpyxl.ReadAsync(await qinghai.GetByteArrayAsync("/api/imports/templates/study-sessions.xlsx"))).EnumerateArray());

        // Filled in with a spreadsheet program (a date typed as a date, a label picked from the dropdown), it imports.
        var filled = await FillAsync(await county.GetByteArrayAsync("/api/imports/templates/study-sessions.xlsx"), """
            ws.append(['b5', 's1', 'c1', '学习劳模精神', datetime.date(2020, 12, 4), '线上线下结合', '座谈会', 30, None, None, None, None, None])
            """);
        var result = await (await county.PostXlsxAsync(filled)).ReadAsync<ImportResult>(HttpStatusCode.OK);
        Assert.Equal((1L, 0L), (result.Imported, result.Rejected));
        var stored = await hq.GetFromJsonAsync<StudySessionResponse>("/api/branches/b5/study-sessions/s1");
        Assert.Equal((new DateOnly(2020, 12, 4), "hybrid", "symposium"), (stored!.HeldOn, stored.Format, stored.Kind));

        foreach (var type in ImportKinds.TypeNames)
            Assert.Equal(XlsxFile.ContentType, (await hq.GetAsync($"/api/imports/templates/{type}.xlsx")).Content.Headers.ContentType?.MediaType);
        await (await hq.GetAsync("/api/imports/templates/none.xlsx")).AssertProblemAsync(HttpStatusCode.BadRequest, "type");
    }

    private static async Task<JsonElement> SheetAsync(HttpClient client, string path, string name)
    {
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(XlsxFile.ContentType, response.Content.Headers.ContentType?.MediaType);
        var sheet = Assert.Single((await Openpyxl.ReadAsync(await response.Content.ReadAsByteArrayAsync())).EnumerateArray());
        Assert.Equal(name, sheet.GetProperty("name").GetString());
        return sheet;
    }

    private static List<JsonElement[]> Cells(JsonElement sheet) => [.. sheet.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().ToArray())];

    private static string[] Values(JsonElement sheet, int row) => [.. Cells(sheet)[row].Select(c => c.GetProperty("value").ToString())];

    private static string Letter(string[] headers, string header) => ((char)('A' + Array.IndexOf(headers, header))).ToString();

    /// <summary>The workbook with rows appended to its first sheet by openpyxl, as a person fills in a template.</summary>
    private static async Task<byte[]> FillAsync(byte[] template, string rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"grassroots-test-{Guid.NewGuid():N}.xlsx");
        await File.WriteAllBytesAsync(path, template);
        try
        {
            return await Openpyxl.WriteAsync($"""
                from openpyxl import load_workbook
                wb = load_workbook(r'{path}')
                ws = wb.worksheets[0]
                {rows}
                """);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
