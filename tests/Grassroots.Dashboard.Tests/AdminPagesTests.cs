using System.Text;
using System.Text.Json;
using Grassroots.Dashboard.Tests.Support;
using Grassroots.TestSupport;
using Microsoft.Playwright;
using static Grassroots.Dashboard.Tests.Support.KnownData;
using static Microsoft.Playwright.Assertions;

namespace Grassroots.Dashboard.Tests;

/// <summary>
/// The dashboard's pages for region admins (and hq): 导入 — a dry run listing each line's problems, then an import job
/// with its progress, landing in the rollups — and 基层工会密钥 — a county's branch keys on a sheet of QR sign-in codes.
/// Driven on a 360 px phone, since county federations use phones too.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class AdminPagesTests(DashboardFixture fixture)
{
    private const int Phone = 360, PhoneHeight = 740;

    static AdminPagesTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    [BrowserFact]
    public async Task ARegionAdminsDryRunListsEachLinesProblemsThenTheImportRunsWithProgressAndLandsInTheRollups()
    {
        var key = await fixture.Hq.IssueKeyAsync("region-admin", Guangdong, "广东省总工会");
        using var admin = new Api(fixture.Silo.BaseAddress, key);
        await using var page = await fixture.OpenAsync(Phone, PhoneHeight);
        await page.SignInAsync(key);
        await page.Page.GetByRole(AriaRole.Link, new() { Name = "导入" }).ClickAsync();
        await Expect(page.Page.GetByLabel("导入什么")).ToBeVisibleAsync();
        var problems = (await page.SeriousAccessibilityViolationsAsync()).Select(v => $"import: {v}").ToList();
        await page.AssertNoHorizontalScrollAsync();
        var columns = (await fixture.Hq.GetAsync("/openapi/v1.json")).GetProperty("paths").GetProperty("/api/imports")
            .GetProperty("post").GetProperty("x-csv-columns");
        var suffix = Guid.NewGuid().ToString("N")[..8];
        string[] ids = [$"imp-{suffix}-1", $"imp-{suffix}-2"];

        // Branches first, from the template the page offers, saved as Excel on a Chinese Windows saves it (GB18030).
        await page.Page.GetByLabel("导入什么").SelectOptionAsync("branches");
        var branchHeader = await TemplateHeaderAsync(page);
        Assert.Equal(ChineseHeaders(columns.GetProperty("branches")), branchHeader);
        var branchRows = ids.Select((id, i) => Row(columns.GetProperty("branches"), new()
        {
            ["id"] = id, ["name"] = $"导入测试工会{i + 1}", ["regionCode"] = Tianhe, ["memberCount"] = "50", ["kind"] = "enterprise",
        }));
        await ChooseFileAsync(page, "基层工会.csv", Csv(branchHeader, branchRows), Encoding.GetEncoding("GB18030"));
        await Expect(page.Page.Locator("#fileInfo")).ToContainTextAsync("GB18030");
        await Expect(Count(page, "imported")).ToHaveTextAsync("2");
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "导入 2 行" }).ClickAsync();
        await Expect(page.Page.Locator("#importProgress")).ToHaveAttributeAsync("data-state", "done");
        foreach (var id in ids) await admin.GetAsync($"/api/branches/{id}");

        // Then their study sessions, in UTF-8: one line has more women than attendees.
        var before = (await admin.RollupAsync(Tianhe)).GetProperty("totals");
        await page.Page.GetByLabel("导入什么").SelectOptionAsync("study-sessions");
        var header = await TemplateHeaderAsync(page);
        Assert.Equal(ChineseHeaders(columns.GetProperty("study-sessions")), header);
        string[] lines =
        [
            Row(columns.GetProperty("study-sessions"), Session(ids[0], "s1", "2021-03-10", 40, 18)),
            Row(columns.GetProperty("study-sessions"), Session(ids[1], "s1", "2021-03-11", 10, 11)),
            Row(columns.GetProperty("study-sessions"), Session(ids[1], "s2", "2021-03-12", 25, 5)),
        ];
        await ChooseFileAsync(page, "学习会.csv", Csv(header, lines), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        await Expect(page.Page.Locator("#fileInfo")).ToContainTextAsync("UTF-8");
        await Expect(Count(page, "rejected")).ToHaveTextAsync("1");
        var conflict = page.Page.Locator("#conflicts tbody tr[data-line='3']");
        await Expect(conflict).ToContainTextAsync("女职工人次");
        await Expect(conflict).ToContainTextAsync("不能超过参与人次（10）");
        await Expect(conflict.Locator("td.line")).ToHaveTextAsync(lines[1]);
        await page.AssertNoHorizontalScrollAsync();
        problems.AddRange((await page.SeriousAccessibilityViolationsAsync()).Select(v => $"dry run: {v}"));
        await page.ScreenshotAsync("import-dry-run");
        Assert.Equal(before.GetProperty("attendance").GetInt64(), (await admin.RollupAsync(Tianhe)).GetProperty("totals").GetProperty("attendance").GetInt64());

        await page.Page.GetByRole(AriaRole.Button, new() { Name = "导入 2 行" }).ClickAsync();
        var progress = page.Page.Locator("#importProgress");
        await Expect(progress).ToHaveAttributeAsync("data-state", "done");
        await Expect(progress).ToHaveAttributeAsync("max", "3");
        Assert.Equal(3, await progress.EvaluateAsync<int>("p => p.value"));
        await Expect(page.Page.Locator("#progressLabel")).ToHaveTextAsync("导入完成：已处理 3 / 3 行");
        await Expect(Count(page, "imported")).ToHaveTextAsync("2");
        await Expect(page.Page.Locator("#conflicts tbody tr[data-line='3']")).ToContainTextAsync("不能超过参与人次（10）");
        problems.AddRange((await page.SeriousAccessibilityViolationsAsync()).Select(v => $"import done: {v}"));
        await page.ScreenshotAsync("import-done");

        var expected = before.GetProperty("attendance").GetInt64() + 40 + 25;
        await admin.EventuallyAsync($"/api/rollups/{Tianhe}?campaignId={Campaign}",
            r => r.GetProperty("totals").GetProperty("attendance").GetInt64() == expected, "天河区's rollup counts the imported sessions");
        await page.GotoAsync($"?region={Tianhe}");
        await Expect(page.Total("attendance")).ToHaveTextAsync(Figures.Number(expected));
        Assert.True(problems.Count == 0, "axe-core found serious or critical violations:\n" + string.Join("\n", problems));
        page.AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task TheImportOffersCompetitionsWithTheirChineseColumnsAndACompetitionsFileLandsInTheCountysFigures()
    {
        var key = await fixture.Hq.IssueKeyAsync("region-admin", Tianhe, "天河区总工会");
        using var admin = new Api(fixture.Silo.BaseAddress, key);
        await using var page = await fixture.OpenAsync(Phone, PhoneHeight);
        await page.SignInAsync(key);
        await page.Page.GetByRole(AriaRole.Link, new() { Name = "导入", Exact = true }).ClickAsync();
        await page.Page.GetByLabel("导入什么").SelectOptionAsync(new SelectOptionValue { Label = "劳动和技能竞赛" });
        await Expect(page.Page.GetByLabel("导入什么")).ToHaveValueAsync("competitions");
        var columns = (await fixture.Hq.GetAsync("/openapi/v1.json")).GetProperty("paths").GetProperty("/api/imports")
            .GetProperty("post").GetProperty("x-csv-columns").GetProperty("competitions");
        var header = ChineseHeaders(columns);
        Assert.Equal(["基层工会编号", "记录编号", "活动编号", "竞赛名称", "竞赛类型", "开始日期", "结束日期", "参与人次", "一线职工人次", "青年职工人次",
            "女职工人次", "获奖人数", "备注"], header);
        Assert.Equal(header, await page.Page.Locator("#columnTable tbody tr td:first-child").AllTextContentsAsync());
        Assert.Equal(header, await TemplateHeaderAsync(page));
        await page.AssertNoHorizontalScrollAsync();

        // One good line, written with the kind's Chinese label as a hand-kept sheet has it, and one with more awardees than participants.
        var suffix = Guid.NewGuid().ToString("N")[..8];
        string[] lines =
        [
            Row(columns, Competition($"imp-c-{suffix}-1", "技能竞赛", 80, 9)),
            Row(columns, Competition($"imp-c-{suffix}-2", "labour", 10, 11)),
        ];
        var before = (await admin.RollupAsync(Tianhe)).GetProperty("totals");
        await ChooseFileAsync(page, "劳动和技能竞赛.csv", Csv(header, lines), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        await Expect(Count(page, "rejected")).ToHaveTextAsync("1");
        await Expect(Count(page, "imported")).ToHaveTextAsync("1");
        var conflict = page.Page.Locator("#conflicts tbody tr[data-line='3']");
        await Expect(conflict).ToContainTextAsync("获奖人数");
        await Expect(conflict).ToContainTextAsync("不能超过参与人次（10）");

        await page.Page.GetByRole(AriaRole.Button, new() { Name = "导入 1 行" }).ClickAsync();
        await Expect(page.Page.Locator("#importProgress")).ToHaveAttributeAsync("data-state", "done");
        var after = await admin.EventuallyAsync($"/api/rollups/{Tianhe}?campaignId={Campaign}", r =>
            r.GetProperty("totals").GetProperty("competitions").GetInt64() == before.GetProperty("competitions").GetInt64() + 1
            && r.GetProperty("totals").GetProperty("competitionParticipants").GetInt64() == before.GetProperty("competitionParticipants").GetInt64() + 80
            && r.GetProperty("totals").GetProperty("awardees").GetInt64() == before.GetProperty("awardees").GetInt64() + 9,
            "天河区's rollup counts the imported competition");
        await page.GotoAsync($"?region={Tianhe}");
        foreach (var field in new[] { "competitions", "competitionParticipants", "awardees" })
            await Expect(page.Total(field)).ToHaveTextAsync(after.GetProperty("totals").Number(field));
        page.AssertNoConsoleErrors();
    }

    [BrowserFact(NeedsOpenpyxl = true)]
    public async Task ACountyAdminFillsInTheExcelTemplateThePageOffersAndItsDryRunNamesTheCellThenTheImportLands()
    {
        var key = await fixture.Hq.IssueKeyAsync("region-admin", Tianhe, "天河区总工会");
        using var admin = new Api(fixture.Silo.BaseAddress, key);
        await using var page = await fixture.OpenAsync(Phone, PhoneHeight);
        await page.SignInAsync(key);
        await page.Page.GetByRole(AriaRole.Link, new() { Name = "导入", Exact = true }).ClickAsync();
        await page.Page.GetByLabel("导入什么").SelectOptionAsync("study-sessions");
        var download = await page.Page.RunAndWaitForDownloadAsync(() => page.Page.GetByRole(AriaRole.Button, new() { Name = "下载模板（Excel）" }).ClickAsync());
        Assert.EndsWith(".xlsx", download.SuggestedFilename);
        var template = await File.ReadAllBytesAsync(await download.PathAsync());

        // Filled in as an office would, by header, in a spreadsheet program of its own (openpyxl): one good row, and one with
        // more women than attendees. The county's branches are listed on the template's second sheet.
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var filled = await FillAsync(template, $$"""
            rows = [
              {'基层工会编号': '{{ReportingBranch}}', '记录编号': 'xl-{{suffix}}-1', '活动编号': '{{Campaign}}', '标题': '表格导入的学习会',
               '日期': datetime.date(2021, 3, 15), '形式': '线下', '类型': 'group-study', '参与人次': 40, '女职工人次': 12},
              {'基层工会编号': '{{ReportingBranch}}', '记录编号': 'xl-{{suffix}}-2', '活动编号': '{{Campaign}}', '标题': '表格导入的学习会',
               '日期': datetime.date(2021, 3, 16), '形式': '线下', '类型': 'group-study', '参与人次': 10, '女职工人次': 11},
            ]
            """);
        Assert.Contains(ReportingBranch, filled.Listed);

        var before = (await admin.RollupAsync(Tianhe)).GetProperty("totals").GetProperty("attendance").GetInt64();
        await page.Page.Locator("#importFile").SetInputFilesAsync(new FilePayload { Name = "学习会.xlsx", MimeType = Xlsx, Buffer = filled.Workbook });
        await Expect(page.Page.Locator("#fileInfo")).ToContainTextAsync("Excel 工作簿");
        await Expect(Count(page, "rejected")).ToHaveTextAsync("1");
        await Expect(Count(page, "imported")).ToHaveTextAsync("1");
        var conflict = page.Page.Locator("#conflicts tbody tr[data-line='3']");
        await Expect(conflict).ToContainTextAsync("女职工人次");
        await Expect(conflict).ToContainTextAsync("不能超过参与人次（10）");
        await Expect(conflict.Locator("td.line")).ToHaveTextAsync($"工作表“{filled.Sheet}”{filled.WomenColumn}3");
        var problems = (await page.SeriousAccessibilityViolationsAsync()).Select(v => $"Excel dry run: {v}").ToList();
        await page.AssertNoHorizontalScrollAsync();
        await page.ScreenshotAsync("import-excel-dry-run");

        await page.Page.GetByRole(AriaRole.Button, new() { Name = "导入 1 行" }).ClickAsync();
        await Expect(page.Page.Locator("#importProgress")).ToHaveAttributeAsync("data-state", "done");
        await Expect(page.Page.Locator("#progressLabel")).ToHaveTextAsync("导入完成：已处理 2 / 2 行");
        await admin.EventuallyAsync($"/api/rollups/{Tianhe}?campaignId={Campaign}",
            r => r.GetProperty("totals").GetProperty("attendance").GetInt64() == before + 40, "天河区's rollup counts the session from the workbook");

        // A workbook the import would not read as it shows is refused whole, in the page's words, and nothing of it is stored.
        var withFormula = await FillAsync(template, $$"""
            rows = [{'基层工会编号': '{{ReportingBranch}}', '记录编号': 'xl-{{suffix}}-3', '活动编号': '{{Campaign}}', '标题': '公式',
                     '日期': datetime.date(2021, 3, 17), '形式': '线下', '类型': 'group-study', '参与人次': '=20*2'}]
            """);
        await page.Page.Locator("#importFile").SetInputFilesAsync(new FilePayload { Name = "公式.xlsx", MimeType = Xlsx, Buffer = withFormula.Workbook });
        await Expect(page.Page.Locator("#importError")).ToContainTextAsync("含有公式（=20*2），导入从不计算公式");
        await Expect(page.Page.Locator("#importResult")).ToBeHiddenAsync();
        Assert.Equal(404, await admin.StatusAsync($"/api/branches/{ReportingBranch}/study-sessions/xl-{suffix}-3"));
        Assert.True(problems.Count == 0, "axe-core found serious or critical violations:\n" + string.Join("\n", problems));
        page.AssertNoConsoleErrors("the server responded with a status of 400");
    }

    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>
    /// The template filled in by openpyxl: <c>rows</c> (Python dicts by header) written under the header of its first sheet.
    /// Answers the workbook, the first sheet's name, the column letter of 女职工人次 and the branch ids the second sheet lists.
    /// </summary>
    private static async Task<(byte[] Workbook, string Sheet, string WomenColumn, string[] Listed)> FillAsync(byte[] template, string rows)
    {
        // openpyxl opens a workbook by its name's extension.
        var (from, to) = (Path.Combine(Path.GetTempPath(), $"grassroots-test-{Guid.NewGuid():N}.xlsx"), Path.Combine(Path.GetTempPath(), $"grassroots-test-{Guid.NewGuid():N}.xlsx"));
        try
        {
            await File.WriteAllBytesAsync(from, template);
            var said = JsonDocument.Parse(await Openpyxl.RunAsync($$"""
                import datetime, json, sys
                from openpyxl import load_workbook
                from openpyxl.utils import get_column_letter
                wb = load_workbook(sys.argv[1])
                ws = wb.worksheets[0]
                header = [c.value for c in ws[1]]
                {{rows}}
                for r, row in enumerate(rows, start=2):
                    for title, value in row.items():
                        ws.cell(row=r, column=header.index(title) + 1, value=value)
                wb.save(sys.argv[2])
                listed = [row[0] for row in wb.worksheets[1].iter_rows(min_row=2, values_only=True)] if len(wb.worksheets) > 1 else []
                print(json.dumps({'sheet': ws.title, 'women': get_column_letter(header.index('女职工人次') + 1), 'listed': listed}, ensure_ascii=False))
                """, from, to)).RootElement;
            return (await File.ReadAllBytesAsync(to), said.GetProperty("sheet").GetString()!, said.GetProperty("women").GetString()!,
                [.. said.GetProperty("listed").EnumerateArray().Select(b => b.GetString()!)]);
        }
        finally
        {
            File.Delete(from);
            File.Delete(to);
        }
    }

    [BrowserFact]
    public async Task AKeySheetHoldsOneQrCodePerBranchOfTheCountyAndEachSignsItsBranchIn()
    {
        var key = await fixture.Hq.IssueKeyAsync("region-admin", Guangdong, "广东省总工会");
        using var admin = new Api(fixture.Silo.BaseAddress, key);
        await using var page = await fixture.OpenAsync(Phone, PhoneHeight);
        await page.SignInAsync(key);
        await page.Page.GetByRole(AriaRole.Link, new() { Name = "基层工会密钥" }).ClickAsync();
        await page.Page.Locator("#pick-0").SelectOptionAsync(Guangzhou);
        await page.Page.Locator("#pick-1").SelectOptionAsync(Tianhe);
        var branches = (await admin.GetAsync($"/api/regions/{Tianhe}/branches?pageSize=500")).GetProperty("items").EnumerateArray()
            .ToDictionary(b => b.GetProperty("id").GetString()!, b => b.GetProperty("name").GetString()!);
        await Expect(page.Page.Locator("#countyInfo")).ToContainTextAsync($"已登记 {branches.Count} 个基层工会");
        var problems = (await page.SeriousAccessibilityViolationsAsync()).Select(v => $"keys: {v}").ToList();
        await page.ScreenshotAsync("keys-county");

        await page.Page.Locator("#issueKeys").ClickAsync();
        var cards = page.Page.Locator("#sheetCards li");
        await Expect(cards).ToHaveCountAsync(branches.Count);
        await Expect(page.Page.Locator("#sheetCards li svg[role=img]")).ToHaveCountAsync(branches.Count);
        await page.AssertNoHorizontalScrollAsync();
        problems.AddRange((await page.SeriousAccessibilityViolationsAsync()).Select(v => $"key sheet: {v}"));
        await page.ScreenshotAsync("key-sheet");

        // Every code reads back as the sign-in link of its own branch, holding the key printed beside it.
        await page.AddVendorScriptAsync("jsQR.js");
        var read = await page.Page.EvaluateAsync<JsonElement>(ReadEveryCode);
        var links = new Dictionary<string, string>();
        foreach (var card in read.EnumerateArray())
        {
            var branch = card.GetProperty("branch").GetString()!;
            var link = card.GetProperty("link").GetString();
            Assert.True(branches.ContainsKey(branch), $"{branch} is not a branch of 天河区.");
            Assert.Equal(branches[branch], card.GetProperty("name").GetString());
            Assert.Equal($"{new Uri(fixture.Silo.BaseAddress, "/branch/")}#key={card.GetProperty("key").GetString()}", link);
            links[branch] = link!;
        }
        Assert.Equal(branches.Keys.Order(), links.Keys.Order());

        // One of them, opened on an officer's phone.
        await using (var officer = new BranchPage(await fixture.OpenAsync(Phone, PhoneHeight)))
        {
            await officer.Page.GotoAsync(links[SilentBranch]);
            await Expect(officer.Page.Locator("#who")).ToContainTextAsync(SilentBranchName);
            Assert.Equal(new Uri(fixture.Silo.BaseAddress, "/branch/").ToString(), officer.Page.Url);
            officer.Tab.AssertNoConsoleErrors();
        }

        var shownKey = await page.Page.Locator("#sheetCards li code").First.TextContentAsync();
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "关闭登录单" }).ClickAsync();
        await Expect(page.Page.Locator("#keySheet")).ToBeHiddenAsync();
        Assert.DoesNotContain(shownKey!, await page.Page.ContentAsync());
        Assert.True(problems.Count == 0, "axe-core found serious or critical violations:\n" + string.Join("\n", problems));
        page.AssertNoConsoleErrors();
    }

    /// <summary>Each card's branch, name and printed key, and what its QR code reads as (jsQR over the SVG drawn on a canvas).</summary>
    private const string ReadEveryCode = """
        async () => {
          const cards = [];
          for (const card of document.querySelectorAll('#sheetCards li')) {
            const svg = card.querySelector('svg');
            const image = new Image();
            image.src = 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(new XMLSerializer().serializeToString(svg));
            await image.decode();
            const canvas = Object.assign(document.createElement('canvas'), { width: 400, height: 400 });
            const context = canvas.getContext('2d');
            context.imageSmoothingEnabled = false;
            context.drawImage(image, 0, 0, 400, 400);
            const code = jsQR(context.getImageData(0, 0, 400, 400).data, 400, 400);
            cards.push({ branch: card.dataset.branch, name: card.querySelector('h3').textContent,
              key: card.querySelector('code').textContent, link: code ? code.data : null });
          }
          return cards;
        }
        """;

    private static ILocator Count(DashboardPage page, string field) => page.Page.Locator($"#importCounts [data-count='{field}'] .value");

    /// <summary>Downloads the chosen type's template through the page and answers its header.</summary>
    private static async Task<string[]> TemplateHeaderAsync(DashboardPage page)
    {
        var download = await page.Page.RunAndWaitForDownloadAsync(() => page.Page.GetByRole(AriaRole.Button, new() { Name = "下载模板（CSV）" }).ClickAsync());
        Assert.EndsWith(".csv", download.SuggestedFilename);
        var text = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.StartsWith("\uFEFF", text);
        return text.TrimStart('\uFEFF').Split("\r\n")[0].Split(',');
    }

    /// <summary>The first Chinese header of each column, as the service lists them.</summary>
    private static string[] ChineseHeaders(JsonElement columns) => [.. columns.EnumerateArray().Select(c =>
    {
        var headers = c.GetProperty("headers");
        return (headers.GetArrayLength() > 1 ? headers[1] : headers[0]).GetString()!;
    })];

    /// <summary>A CSV line with each column's value by its API field name (empty when not given).</summary>
    private static string Row(JsonElement columns, Dictionary<string, string> values) =>
        string.Join(',', columns.EnumerateArray().Select(c => values.GetValueOrDefault(c.GetProperty("field").GetString()!, "")));

    private static Dictionary<string, string> Session(string branch, string id, string day, int total, int women) => new()
    {
        ["branchId"] = branch, ["id"] = id, ["campaignId"] = Campaign, ["title"] = "导入的学习会", ["heldOn"] = day, ["format"] = "offline",
        ["kind"] = "group-study", ["attendees.total"] = total.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["attendees.women"] = women.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static Dictionary<string, string> Competition(string id, string kind, int participants, int awardees) => new()
    {
        ["branchId"] = ReportingBranch, ["id"] = id, ["campaignId"] = Campaign, ["title"] = "导入的岗位技能比武", ["kind"] = kind,
        ["startsOn"] = "2021-04-06", ["endsOn"] = "2021-04-08",
        ["participants.total"] = participants.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["awardees"] = awardees.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string Csv(string[] header, IEnumerable<string> lines) => string.Join("\r\n", [string.Join(',', header), .. lines]) + "\r\n";

    private static async Task ChooseFileAsync(DashboardPage page, string name, string text, Encoding encoding)
    {
        var bytes = encoding.GetPreamble().Concat(encoding.GetBytes(text)).ToArray();
        await page.Page.Locator("#importFile").SetInputFilesAsync(new FilePayload { Name = name, MimeType = "text/csv", Buffer = bytes });
    }
}
