using Grassroots.Dashboard.Tests.Support;
using Microsoft.Playwright;
using static Grassroots.Dashboard.Tests.Support.KnownData;
using static Microsoft.Playwright.Assertions;

namespace Grassroots.Dashboard.Tests;

/// <summary>
/// Sign-off in the browser (上报 / 审核): a county federation submits a month on the dashboard, its province approves it
/// there, the ranking and the county's page show it signed off with the approver, a branch officer's correction of a
/// record of that month is refused on the branch page with the reason in Chinese, and the record's history reads who
/// changed what.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class SignOffPageTests(DashboardFixture fixture)
{
    private const string Month = "2020-12";

    [BrowserFact]
    public async Task ACountySubmitsTheProvinceApprovesAndABranchCorrectionIsRefusedWithTheReasonShown()
    {
        // A campaign of this test alone, starting before the known one so that stays the dashboard's default.
        var campaign = $"signoff-{Guid.NewGuid():N}"[..16];
        await fixture.Hq.PutAsync($"/api/campaigns/{campaign}", new { title = "审核测试活动", startsOn = "2020-10-01", endsOn = "2020-12-31" });
        var branch = await BranchData.RegisterAsync(fixture.Hq, "审核锁定");
        var session = new
        {
            campaignId = campaign, title = "十二月集中学习", heldOn = "2020-12-10", format = "offline", kind = "group-study",
            attendees = new { total = 30 },
        };
        await fixture.Hq.PutAsync(branch.RecordPath("study-sessions", "dec-1"), session);
        await fixture.Hq.PutAsync(branch.RecordPath("study-sessions", "dec-1"), session with { attendees = new { total = 35 } });
        var countyKey = await fixture.Hq.IssueKeyAsync("region-admin", Tianhe, "天河区总工会");
        var provinceKey = await fixture.Hq.IssueKeyAsync("region-admin", Guangdong, "广东省总工会");
        var query = $"?campaign={campaign}&period={Month}";

        // 上报: the county's admin opens its own page and submits December.
        await using (var county = await fixture.OpenAsync())
        {
            await county.SignInAsync(countyKey, query);
            var panel = county.Page.Locator("#approvalPanel");
            await Expect(panel.Locator("#period")).ToHaveValueAsync(Month);
            await Expect(panel.Locator("#approvalOwn [data-state]")).ToHaveTextAsync("未上报");
            await panel.GetByLabel("上报说明（可选）").FillAsync("十二月数据已核对");
            await panel.GetByRole(AriaRole.Button, new() { Name = "上报本期数据" }).ClickAsync();
            await Expect(panel.Locator("#approvalOwn [data-state]")).ToHaveTextAsync("已上报");
            await Expect(panel.Locator("#approvalOwn")).ToContainTextAsync("待广东省审核");
            await Expect(panel.GetByRole(AriaRole.Button, new() { Name = "上报本期数据" })).ToBeHiddenAsync();
            await county.ScreenshotAsync("signoff-county-submitted");
            county.AssertNoConsoleErrors();
        }
        var submitted = await fixture.Hq.GetAsync($"/api/approvals/{Tianhe}/{campaign}/{Month}");
        Assert.Equal(("submitted", 35L), (submitted.GetProperty("state").GetString(), submitted.GetProperty("submitted").GetProperty("attendance").GetInt64()));

        // 审核: the province's admin finds 天河区 among the counties it approves, and approves it.
        await using (var province = await fixture.OpenAsync())
        {
            await province.SignInAsync(provinceKey, query);
            var row = province.Page.Locator($"#approvees tr[data-code='{Tianhe}']");
            await Expect(row.Locator("[data-state]")).ToHaveTextAsync("已上报");
            await Expect(row).ToContainTextAsync("35");
            await Expect(province.ChildRow(Guangzhou).Locator("[data-field='approval']")).ToContainTextAsync("待审 1");
            await row.GetByRole(AriaRole.Button, new() { Name = "审核通过" }).ClickAsync();
            await Expect(row.Locator("[data-state]")).ToHaveTextAsync("已审核");
            await Expect(province.ChildRow(Guangzhou).Locator("[data-field='approval']")).ToContainTextAsync("已审核 1/");
            await Expect(row.GetByRole(AriaRole.Button, new() { Name = "重新开放" })).ToBeVisibleAsync();
            // The province's page lists every county it approves; the pictures show the approved row and the ranking.
            await province.ScreenshotAsync("signoff-province-approved", row);
            await province.ScreenshotAsync("signoff-province-ranking", province.ChildRow(Guangzhou));
            province.AssertNoConsoleErrors();
        }
        Assert.Equal("approved", (await fixture.Hq.GetAsync($"/api/approvals/{Tianhe}/{campaign}/{Month}")).GetProperty("state").GetString());

        // The county's page marks December 已审核, with who approved it, beside the figures and the reports.
        await using (var county = await fixture.OpenAsync())
        {
            await county.SignInAsync(countyKey, query);
            await Expect(county.Page.Locator("#approvedMark")).ToContainTextAsync("已审核");
            await Expect(county.Page.Locator("#approvedMark")).ToContainTextAsync("审核人：广东省总工会");
            await Expect(county.Page.Locator("#reportsMark")).ToContainTextAsync("已审核 · 审核人：广东省总工会");
            await Expect(county.Total("attendance")).ToHaveTextAsync("35");

            // The record's history: created by hq, corrected from 30 to 35.
            await county.GotoAsync($"{query}&branch={branch.Id}");
            var record = county.Page.Locator("#records tr[data-record='study-session/dec-1']");
            await record.GetByRole(AriaRole.Button, new() { Name = "查看" }).ClickAsync();
            var history = county.Page.Locator("#historyTable tbody tr");
            await Expect(history).ToHaveCountAsync(2);
            await Expect(history.Nth(0)).ToContainTextAsync("修改");
            await Expect(history.Nth(0)).ToContainTextAsync("参与人次：30 → 35");
            await Expect(history.Nth(1)).ToContainTextAsync("新建");
            await county.ScreenshotAsync("signoff-record-history");
            county.AssertNoConsoleErrors();
        }

        // The branch officer corrects December's session on the phone: the service refuses, and the page says why.
        await using (var phone = new BranchPage(await fixture.OpenAsync(390, 844)))
        {
            await phone.SignInWithLinkAsync(branch.Key);
            await phone.ChooseCampaignAsync(campaign);
            await phone.ShowAsync("records");
            var entry = phone.Page.Locator("#entries li[data-entry='study-sessions/dec-1']");
            await Expect(entry.Locator(".state")).ToHaveTextAsync("已同步");
            await entry.GetByRole(AriaRole.Button, new() { Name = "修改" }).ClickAsync();
            await phone.Page.Locator("#form-study-sessions").GetByLabel("参与人次").FillAsync("40");
            await phone.SaveAsync();
            await phone.ShowAsync("records");
            await Expect(entry.Locator(".state")).ToHaveTextAsync("被退回");
            await Expect(entry.Locator(".reason")).ToHaveTextAsync(
                "退回原因：天河区2020年12月的数据已经上级审核通过，该期间的记录已锁定，不能新增、修改或作废；如需更改，请联系上级退回或重新开放");
            await phone.Tab.ScreenshotAsync("signoff-branch-refused");
            phone.Tab.AssertNoConsoleErrors("the server responded with a status of 409");
        }
        Assert.Equal(35, (await fixture.Hq.GetAsync(branch.RecordPath("study-sessions", "dec-1"))).GetProperty("attendees").GetProperty("total").GetInt32());
    }
}
