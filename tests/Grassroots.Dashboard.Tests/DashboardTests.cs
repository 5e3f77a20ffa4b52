using Grassroots.TestSupport;
using System.Text.Json;
using Grassroots.Dashboard.Tests.Support;
using Microsoft.Playwright;
using static Grassroots.Dashboard.Tests.Support.KnownData;
using static Microsoft.Playwright.Assertions;

namespace Grassroots.Dashboard.Tests;

/// <summary>
/// The dashboard at / of a running service, in headless Chromium, signed in as a person would. Every figure the tests
/// expect is read from the API at the time; <see cref="KnownData"/> only makes sure there is something to read.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class DashboardTests(DashboardFixture fixture)
{
    private static readonly string[] CountedFields =
        ["studySessions", "attendance", "honoreeTalks", "talkAudience", "onlineViews", "publicityItems", "publicityReach", "competitions",
         "competitionParticipants", "awardees"];

    [BrowserFact]
    public async Task NationalPageShowsTheApisTotalsAndProvinceRowsWithoutConsoleErrors()
    {
        await using var page = await fixture.OpenAsync();
        await page.SignInAsync(fixture.Silo.HqKey);
        var national = await fixture.Hq.RollupAsync("CN");

        await Expect(page.Heading).ToContainTextAsync(national.GetProperty("name").GetString()!);
        await AssertTotalsAsync(page, national.GetProperty("totals"));
        var children = national.GetProperty("children").EnumerateArray().ToArray();
        await Expect(page.Page.Locator("#children tbody tr")).ToHaveCountAsync(children.Length);
        await AssertChildRowAsync(page, children.Single(c => c.Code() == Guangdong));
        var top = children.OrderByDescending(c => c.GetProperty("totals").GetProperty("attendance").GetInt64()).First();
        await Expect(page.Page.Locator("#children tbody tr").First).ToHaveAttributeAsync("data-code", top.Code());

        await page.ScreenshotAsync("national-laptop");
        page.AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task MapDrawsAll31ProvincesColouredByTheChosenMeasure()
    {
        await using var page = await fixture.OpenAsync();
        await page.SignInAsync(fixture.Silo.HqKey);
        var provinces = (await fixture.Hq.RollupAsync("CN")).GetProperty("children").EnumerateArray().ToArray();
        Assert.Equal(31, provinces.Length);

        var map = await MapWhenItShowsAsync(page, provinces, "attendance");
        var drawn = map.GetProperty("regions").EnumerateArray().Select(r => r.GetString()).ToHashSet();
        Assert.All(provinces, p => Assert.Contains(p.Code(), drawn));
        Assert.Equal("china", map.GetProperty("map").GetString());
        await Expect(page.Page.Locator("#map canvas").First).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#map")).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("参与人次"));

        await page.Page.GetByLabel("地图与排名指标").SelectOptionAsync("talks");
        await MapWhenItShowsAsync(page, provinces, "honoreeTalks");
        await Expect(page.Page.Locator("#mapTitle")).ToHaveTextAsync("全国劳模宣讲场次地图");
        await page.Page.GetByLabel("地图与排名指标").SelectOptionAsync("coverage");
        await MapWhenItShowsAsync(page, provinces, "coverage");

        await page.Page.Locator("#mapPanel").ScreenshotAsync(new() { Path = Path.Combine(DashboardFixture.Screenshots, "map-coverage.png") });
        page.AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task DateRangeNarrowsTheFiguresAndTheTableDownloadsAsCsv()
    {
        await using var page = await fixture.OpenAsync();
        await page.SignInAsync(fixture.Silo.HqKey);

        await page.Page.GetByLabel("开始日期").FillAsync("2021-01-10");
        await page.Page.GetByLabel("结束日期").FillAsync("2021-01-31");
        await Expect(page.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("from=2021-01-10.*to=2021-01-31"));
        var period = await fixture.Hq.GetAsync($"/api/rollups/CN?campaignId={Campaign}&from=2021-01-10&to=2021-01-31");
        await AssertTotalsAsync(page, period.GetProperty("totals"));
        await AssertChildRowAsync(page, period.GetProperty("children").EnumerateArray().Single(c => c.Code() == Guangdong));

        var download = await page.Page.RunAndWaitForDownloadAsync(() => page.Page.GetByRole(AriaRole.Button, new() { Name = "下载本表（CSV）" }).ClickAsync());
        var csv = await File.ReadAllTextAsync(await download.PathAsync());
        var lines = csv.TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith(".csv", download.SuggestedFilename);
        // The table's file is the service's child-regions report for the dates and the sign-off period the page shows: its
        // figures, then the sign-off state the table shows beside them, and the nation's total last.
        var shownPeriod = (await fixture.Hq.GetAsync($"/api/approvals/CN?campaignId={Campaign}")).GetProperty("periods")[0].GetProperty("period").GetString();
        var report = await fixture.Hq.GetTextAsync(
            $"/api/reports/children.csv?campaignId={Campaign}&regionCode=CN&from=2021-01-10&to=2021-01-31&period={shownPeriod}");
        Assert.Equal(report.TrimStart('\uFEFF'), csv.TrimStart('\uFEFF'));
        Assert.EndsWith(",审核状态", lines[0]);
        Assert.Equal(33, lines.Length);
        var tableState = await page.Page.Locator($"#children tbody tr[data-code='{Guangdong}'] td[data-field=approval]").TextContentAsync();
        Assert.EndsWith("," + tableState, lines.Single(l => l.StartsWith(Guangdong + ",", StringComparison.Ordinal)));
        var guangdong = period.GetProperty("children").EnumerateArray().Single(c => c.Code() == Guangdong);
        Assert.Contains($"{Guangdong},{guangdong.GetProperty("name").GetString()},{guangdong.GetProperty("totals").GetProperty("studySessions").GetInt64()}," +
            $"{guangdong.GetProperty("totals").GetProperty("attendance").GetInt64()},", csv);

        await page.Page.GetByRole(AriaRole.Button, new() { Name = "全部日期" }).ClickAsync();
        await AssertTotalsAsync(page, (await fixture.Hq.RollupAsync("CN")).GetProperty("totals"));
        page.AssertNoConsoleErrors();
    }

    [BrowserFact(NeedsOpenpyxl = true)]
    public async Task AProvincesChildRegionsDownloadAsAWorkbookWithTheRollupsFiguresAndACountyOffersNone()
    {
        await using var page = await fixture.OpenAsync();
        await page.SignInAsync(fixture.Silo.HqKey);
        var name = (await fixture.Hq.GetAsync($"/api/regions/{Guangdong}")).GetProperty("name").GetString()!;
        await page.Page.Locator("#children").GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
        await Expect(page.Heading).ToContainTextAsync(name);

        var download = await page.Page.RunAndWaitForDownloadAsync(() =>
            page.Page.GetByRole(AriaRole.Button, new() { Name = "下级地区汇总（Excel）" }).ClickAsync());
        Assert.EndsWith(".xlsx", download.SuggestedFilename);
        // Read by openpyxl, which the service does not use: a row per city, then the province's total.
        var sheet = Assert.Single((await Openpyxl.ReadAsync(await File.ReadAllBytesAsync(await download.PathAsync()))).EnumerateArray());
        var rows = sheet.GetProperty("rows").EnumerateArray().Select(r => r.EnumerateArray().Select(c => c.GetProperty("value").ToString()).ToArray()).ToList();
        var rollup = await fixture.Hq.RollupAsync(Guangdong);
        var cities = rollup.GetProperty("children").EnumerateArray().ToList();
        Assert.Equal([.. cities.Select(c => c.Code()), Guangdong], rows.Skip(1).Select(r => r[0]));
        var guangzhou = cities.Single(c => c.Code() == Guangzhou).GetProperty("totals");
        Assert.Equal(guangzhou.GetProperty("attendance").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture),
            rows.Single(r => r[0] == Guangzhou)[3]);

        // A county has no child regions, so no table of them to download.
        var guangzhouName = cities.Single(c => c.Code() == Guangzhou).GetProperty("name").GetString()!;
        await page.Page.Locator("#children").GetByRole(AriaRole.Link, new() { Name = guangzhouName, Exact = true }).ClickAsync();
        await Expect(page.Heading).ToContainTextAsync(guangzhouName);
        await Expect(page.Page.GetByRole(AriaRole.Button, new() { Name = "下级地区汇总（Excel）" })).ToBeVisibleAsync();
        var tianheName = (await fixture.Hq.GetAsync($"/api/regions/{Tianhe}")).GetProperty("name").GetString()!;
        await page.Page.Locator("#children").GetByRole(AriaRole.Link, new() { Name = tianheName, Exact = true }).ClickAsync();
        await Expect(page.Heading).ToContainTextAsync(tianheName);
        await Expect(page.Page.GetByRole(AriaRole.Button, new() { Name = "未开展的基层工会名单（Excel）" })).ToBeVisibleAsync();
        await Expect(page.Page.GetByRole(AriaRole.Button, new() { Name = "下级地区汇总（Excel）" })).ToHaveCountAsync(0);
        page.AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task DrillDownGoesFromProvinceThroughCityToACountysBranchesIncludingThoseNotReported()
    {
        await using var page = await fixture.OpenAsync();
        await page.SignInAsync(fixture.Silo.HqKey);
        var names = new Dictionary<string, string>();
        foreach (var code in new[] { Guangdong, Guangzhou, Tianhe })
            names[code] = (await fixture.Hq.GetAsync($"/api/regions/{code}")).GetProperty("name").GetString()!;

        foreach (var code in new[] { Guangdong, Guangzhou, Tianhe })
        {
            await page.Page.Locator("#children").GetByRole(AriaRole.Link, new() { Name = names[code], Exact = true }).ClickAsync();
            await Expect(page.Heading).ToContainTextAsync(names[code]);
        }
        await Expect(page.Page.Locator("#crumbs")).ToContainTextAsync($"{names[Guangdong]}{names[Guangzhou]}{names[Tianhe]}");
        await AssertTotalsAsync(page, (await fixture.Hq.RollupAsync(Tianhe)).GetProperty("totals"));

        var branches = await fixture.Hq.GetAsync($"/api/regions/{Tianhe}/branches?campaignId={Campaign}");
        await Expect(page.Page.Locator("#branches tbody tr")).ToHaveCountAsync((int)branches.GetProperty("total").GetInt64());
        foreach (var branch in branches.GetProperty("items").EnumerateArray())
        {
            var row = page.Page.Locator($"#branches tr[data-branch='{branch.GetProperty("id").GetString()}']");
            await Expect(row.Locator("th")).ToHaveTextAsync(branch.GetProperty("name").GetString()!);
            await Expect(row.Locator("td").Last).ToHaveTextAsync(branch.GetProperty("active").GetBoolean() ? "已开展" : "未开展");
        }
        await Expect(page.Page.Locator($"#branches tr[data-branch='{SilentBranch}']")).ToContainTextAsync("未开展");
        await page.ScreenshotAsync("county-branches");

        // Other tests of the fixture register branches in this county too (some report only in campaigns of their own), so
        // how many have not reported in this campaign is read from the API.
        var silent = await fixture.Hq.GetAsync($"/api/regions/{Tianhe}/branches?campaignId={Campaign}&active=false");
        await page.Page.Locator("#branchStatus").SelectOptionAsync("false");
        await Expect(page.Page.Locator("#branches tbody tr")).ToHaveCountAsync((int)silent.GetProperty("total").GetInt64());
        await Expect(page.Page.Locator("#branches tbody")).ToContainTextAsync(SilentBranchName);

        await page.Page.Locator("#branchStatus").SelectOptionAsync("");
        await page.Page.GetByRole(AriaRole.Link, new() { Name = ReportingBranchName }).ClickAsync();
        await Expect(page.Heading).ToContainTextAsync(ReportingBranchName);
        await Expect(page.Page.Locator("#records")).ToContainTextAsync(SessionTitle);
        page.AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task ARecordPutThroughTheApiAppearsOnThePageWithoutAReload()
    {
        await using var page = await fixture.OpenAsync();
        await page.SignInAsync(fixture.Silo.HqKey);
        var before = (await fixture.Hq.RollupAsync("CN")).GetProperty("totals");
        await Expect(page.Total("attendance")).ToHaveTextAsync(before.Number("attendance"));
        await page.Page.EvaluateAsync("() => { window.loadedOnce = true; }");

        await LogSessionAsync(fixture.Hq, "b-650000", $"live-{Guid.NewGuid():N}", 77, new DateOnly(2021, 4, 1));

        // The rollups follow an acknowledged write within a flush of the silo's aggregator.
        var after = await Eventually.ReadAsync(() => fixture.Hq.RollupAsync("CN"),
            r => r.GetProperty("totals").GetProperty("attendance").GetInt64() == before.GetProperty("attendance").GetInt64() + 77,
            "the national attendance with the new session");
        await Expect(page.Total("attendance")).ToHaveTextAsync(after.GetProperty("totals").Number("attendance"));
        await AssertChildRowAsync(page, after.GetProperty("children").EnumerateArray().Single(c => c.Code() == "650000"));
        Assert.True(await page.Page.EvaluateAsync<bool>("() => window.loadedOnce === true"), "The page was reloaded.");
        page.AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task TheLeaderboardSaysWhyItsTalksAddUpToMoreThanTheNationalCount()
    {
        // KnownData's joint talk of two honorees: once in the national figures, once on each honoree's line.
        var (national, talksOnTheBoard) = await Eventually.ReadAsync(async () =>
        {
            var totals = (await fixture.Hq.RollupAsync("CN")).GetProperty("totals");
            var board = await fixture.Hq.GetAsync($"/api/reports/honorees?campaignId={Campaign}&top=100");
            return (totals, board.GetProperty("items").EnumerateArray().Sum(h => h.GetProperty("talks").GetInt64()));
        }, read => read.Item2 - read.totals.GetProperty("honoreeTalks").GetInt64() == 1, "the board's talks to be the national count and one");

        await using var page = await fixture.OpenAsync();
        await page.SignInAsync(fixture.Silo.HqKey);

        await Expect(page.Total("honoreeTalks")).ToHaveTextAsync(national.Number("honoreeTalks"));
        var shown = await page.Page.Locator("#leaderboard tbody tr td:nth-child(5)").AllTextContentsAsync();
        Assert.Equal(talksOnTheBoard, shown.Sum(t => long.Parse(t, System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture)));
        await Expect(page.Page.Locator("#leaderboardNote")).ToContainTextAsync("联合宣讲在每位劳模名下各计一场");
        await Expect(page.Page.Locator("#leaderboardNote")).ToContainTextAsync("榜上场次之和可以大于上方的劳模宣讲场次");
        page.AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task RegionAdminKeyOpensOnItsOwnProvince()
    {
        var key = await fixture.Hq.IssueKeyAsync("region-admin", Guangdong, "广东省总工会");
        using var admin = new Api(fixture.Silo.BaseAddress, key);
        await using var page = await fixture.OpenAsync();
        await page.SignInAsync(key);
        var rollup = await admin.RollupAsync(Guangdong);
        var name = rollup.GetProperty("name").GetString()!;

        await Expect(page.Heading).ToContainTextAsync(name);
        await Expect(page.Page.Locator("#who")).ToHaveTextAsync($"地区管理员 · {name}");
        await AssertTotalsAsync(page, rollup.GetProperty("totals"));
        var cities = rollup.GetProperty("children").EnumerateArray().ToArray();
        await Expect(page.Page.Locator("#children tbody tr")).ToHaveCountAsync(cities.Length);
        await AssertChildRowAsync(page, cities.Single(c => c.Code() == Guangzhou));
        await Expect(page.Page.Locator("#mapPanel")).ToBeHiddenAsync();
        var board = await admin.GetAsync($"/api/reports/honorees?campaignId={Campaign}&regionCode={Guangdong}");
        await Expect(page.Page.Locator("#leaderboard tbody tr").First).ToContainTextAsync(board.GetProperty("items")[0].GetProperty("name").GetString()!);
        await Expect(page.Page.Locator("#viewError")).ToBeHiddenAsync();

        await page.ScreenshotAsync("region-admin-laptop");
        page.AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task BranchKeySeesItsOwnBranchsPageAndRecords()
    {
        var key = await fixture.Hq.IssueKeyAsync("branch", ReportingBranch, ReportingBranchName);
        using var own = new Api(fixture.Silo.BaseAddress, key);
        await using var page = await fixture.OpenAsync(390, 844);
        await page.SignInAsync(key);
        var branch = await own.GetAsync($"/api/branches/{ReportingBranch}?campaignId={Campaign}");
        var records = await own.GetAsync($"/api/branches/{ReportingBranch}/records?campaignId={Campaign}");

        await Expect(page.Heading).ToContainTextAsync(branch.GetProperty("name").GetString()!);
        foreach (var field in CountedFields)
            await Expect(page.Total(field)).ToHaveTextAsync(branch.GetProperty("totals").Number(field));
        await Expect(page.Page.Locator("#records tbody tr")).ToHaveCountAsync((int)records.GetProperty("total").GetInt64());
        foreach (var record in records.GetProperty("items").EnumerateArray())
            await Expect(page.Page.Locator($"#records tr[data-record='{record.GetProperty("kind").GetString()}/{record.GetProperty("id").GetString()}']"))
                .ToContainTextAsync(record.GetProperty("date").GetString()!);
        await Expect(page.Page.Locator("#records")).ToContainTextAsync(SessionTitle);
        await Expect(page.Page.Locator("#viewError")).ToBeHiddenAsync();
        await Expect(page.Page.Locator("#regionView")).ToBeHiddenAsync();
        await page.AssertNoHorizontalScrollAsync();

        await page.ScreenshotAsync("branch-phone");
        page.AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task PhoneViewportNeverScrollsSideways()
    {
        await using var page = await fixture.OpenAsync(390, 844);
        await page.SignInAsync(fixture.Silo.HqKey);
        await Expect(page.Page.Locator("#map canvas").First).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#children tbody tr")).ToHaveCountAsync(31);
        await page.AssertNoHorizontalScrollAsync();
        await page.ScreenshotAsync("national-phone");

        await page.GotoAsync($"?region={Tianhe}");
        await Expect(page.Page.Locator($"#branches tr[data-branch='{SilentBranch}']")).ToBeVisibleAsync();
        await page.AssertNoHorizontalScrollAsync();
        await page.ScreenshotAsync("county-phone");
        page.AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task AxeFindsNoSeriousOrCriticalViolations()
    {
        await using var page = await fixture.OpenAsync();
        await page.GotoAsync();
        await Expect(page.Page.GetByLabel("访问密钥（API key）")).ToBeVisibleAsync();
        var problems = (await page.SeriousAccessibilityViolationsAsync()).Select(v => $"sign-in: {v}").ToList();

        await page.SignInAsync(fixture.Silo.HqKey);
        await Expect(page.Page.Locator("#map canvas").First).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#leaderboard tbody tr").First).ToBeVisibleAsync();
        problems.AddRange((await page.SeriousAccessibilityViolationsAsync()).Select(v => $"national: {v}"));

        await page.GotoAsync($"?region={Tianhe}");
        await Expect(page.Page.Locator($"#branches tr[data-branch='{SilentBranch}']")).ToBeVisibleAsync();
        problems.AddRange((await page.SeriousAccessibilityViolationsAsync()).Select(v => $"county: {v}"));

        await page.GotoAsync($"?branch={ReportingBranch}");
        await Expect(page.Page.Locator("#records")).ToContainTextAsync(SessionTitle);
        problems.AddRange((await page.SeriousAccessibilityViolationsAsync()).Select(v => $"branch: {v}"));

        Assert.True(problems.Count == 0, "axe-core found serious or critical violations:\n" + string.Join("\n", problems));
        page.AssertNoConsoleErrors();
    }

    private static async Task AssertTotalsAsync(DashboardPage page, JsonElement totals)
    {
        foreach (var field in CountedFields) await Expect(page.Total(field)).ToHaveTextAsync(totals.Number(field));
        await Expect(page.Total("coverage")).ToHaveTextAsync(totals.Coverage());
    }

    private static async Task AssertChildRowAsync(DashboardPage page, JsonElement child)
    {
        var row = page.ChildRow(child.Code());
        var t = child.GetProperty("totals");
        await Expect(row.Locator("th")).ToHaveTextAsync(child.GetProperty("name").GetString()!);
        foreach (var field in new[] { "studySessions", "attendance", "honoreeTalks", "talkAudience", "publicityItems", "competitions",
                     "competitionParticipants", "awardees" })
            await Expect(row.Locator($"[data-field='{field}']")).ToHaveTextAsync(t.Number(field));
        await Expect(row.Locator("[data-field='branches']")).ToHaveTextAsync($"{t.Number("activeBranches")} / {t.Number("registeredBranches")}");
        await Expect(row.Locator("[data-field='coverage']")).ToHaveTextAsync(t.Coverage());
    }

    /// <summary>
    /// Waits until the map's series holds every province with the API's value of <paramref name="field"/>, and returns
    /// what ECharts holds: the map's name, the regions of the registered map and the series data.
    /// </summary>
    private static async Task<JsonElement> MapWhenItShowsAsync(DashboardPage page, JsonElement[] provinces, string field)
    {
        var expected = provinces.ToDictionary(p => p.Code(), p => p.GetProperty("totals").GetProperty(field).GetDouble());
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var map = await page.Page.EvaluateAsync<JsonElement>("""
                async () => {
                  const echarts = await import('/vendor/echarts.esm.min.js');
                  const chart = echarts.getInstanceByDom(document.getElementById('map'));
                  const series = chart?.getOption().series?.[0];
                  const geo = echarts.getMap('china');
                  if (!series || !geo) return null;
                  return {
                    map: series.map,
                    regions: (geo.geoJSON ?? geo.geoJson).features.map(f => f.id),
                    // ECharts adds the map's regions without data (台湾, 香港, 澳门…) as items without a code.
                    data: series.data.filter(d => d.code).map(d => ({ code: d.code, value: d.value })),
                  };
                }
                """);
            var shown = map.ValueKind == JsonValueKind.Object
                ? map.GetProperty("data").EnumerateArray().ToDictionary(d => d.GetProperty("code").GetString()!, d => d.GetProperty("value") is { ValueKind: JsonValueKind.Number } v ? v.GetDouble() : double.NaN)
                : [];
            if (shown.Count == expected.Count && expected.All(e => shown.TryGetValue(e.Key, out var v) && v == e.Value)) return map;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"The map did not show {field} for the 31 provinces; it shows: {map}");
            await Task.Delay(250);
        }
    }
}
