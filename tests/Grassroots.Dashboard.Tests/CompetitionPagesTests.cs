using System.Text.Json;
using Grassroots.Dashboard.Tests.Support;
using Microsoft.Playwright;
using static Grassroots.Dashboard.Tests.Support.KnownData;
using static Microsoft.Playwright.Assertions;

namespace Grassroots.Dashboard.Tests;

/// <summary>
/// 劳动和技能竞赛, the fourth kind of record, through both pages: a branch officer logs one on a 360 px phone, corrects
/// and voids it there, and the dashboard shows it in its county's and province's figures and on the branch's page; the
/// phone refuses an invalid one by the service's own rules, naming the field, and queues nothing. Expected figures are
/// read from the API once it has counted the record.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class CompetitionPagesTests(DashboardFixture fixture)
{
    private const int Phone = 360, PhoneHeight = 740;

    private static readonly string[] CompetitionFields = ["competitions", "competitionParticipants", "awardees"];

    [BrowserFact]
    public async Task ACompetitionLoggedOnThePhoneReachesItsCountysAndProvincesFiguresAndIsCorrectedAndVoidedThere()
    {
        var branch = await BranchData.RegisterAsync(fixture.Hq, "竞赛登记");
        var before = new Dictionary<string, JsonElement>();
        foreach (var code in new[] { Tianhe, Guangdong }) before[code] = (await fixture.Hq.RollupAsync(code)).GetProperty("totals");
        await using var phone = new BranchPage(await fixture.OpenAsync(Phone, PhoneHeight));
        await phone.SignInWithLinkAsync(branch.Key);
        await phone.ChooseCampaignAsync(Campaign);
        const string title = "岗位练兵技能比武";

        await phone.FillCompetitionAsync(title, "技能竞赛", "2021-04-12", 120, endsOn: "2021-04-16", frontline: 90, women: 35, awardees: 18);
        await phone.Page.Locator("#form-competitions").GetByLabel("备注").FillAsync("车工、钳工两个工种\n决赛在四月十六日");
        await phone.Tab.ScreenshotAsync("branch-competition-form");
        await phone.SaveAsync();
        await phone.ShowAsync("records");
        await Expect(phone.State(title)).ToHaveTextAsync("已同步");
        await Expect(phone.Entry(title).Locator(".kind")).ToHaveTextAsync("劳动和技能竞赛");
        await Expect(phone.Entry(title).Locator(".figures")).ToHaveTextAsync("参与 120 人次（一线 90，女职工 35）；获奖 18 人");
        var (kind, id) = await phone.KeyOfAsync(title);
        Assert.Equal("competitions", kind);
        var stored = await fixture.Hq.GetAsync(branch.RecordPath(kind, id));
        var participants = stored.GetProperty("participants");
        Assert.Equal((title, "skills", "2021-04-12", "2021-04-16", "车工、钳工两个工种\n决赛在四月十六日"),
            (stored.GetProperty("title").GetString(), stored.GetProperty("kind").GetString(), stored.GetProperty("startsOn").GetString(),
             stored.GetProperty("endsOn").GetString(), stored.GetProperty("notes").GetString()));
        Assert.Equal((120, 90, JsonValueKind.Null, 35, 18),
            (participants.GetProperty("total").GetInt32(), participants.GetProperty("frontline").GetInt32(),
             participants.GetProperty("youth").ValueKind, participants.GetProperty("women").GetInt32(), stored.GetProperty("awardees").GetInt32()));

        // The branch's own figures on the phone.
        await phone.ShowAsync("figures");
        await Expect(phone.Total("competitions")).ToHaveTextAsync(Figures.Number(1));
        await Expect(phone.Total("competitionParticipants")).ToHaveTextAsync(Figures.Number(120));
        await Expect(phone.Total("awardees")).ToHaveTextAsync(Figures.Number(18));

        // The county's and the province's figures on the dashboard, once the rollups have counted it.
        var after = new Dictionary<string, JsonElement>();
        foreach (var code in new[] { Tianhe, Guangdong })
            after[code] = await fixture.Hq.EventuallyAsync($"/api/rollups/{code}?campaignId={Campaign}",
                r => Added(before[code], r.GetProperty("totals"), "competitions") == 1
                     && Added(before[code], r.GetProperty("totals"), "competitionParticipants") == 120
                     && Added(before[code], r.GetProperty("totals"), "awardees") == 18, $"{code}'s rollup counts the competition");
        await using var dashboard = await fixture.OpenAsync();
        await dashboard.SignInAsync(fixture.Silo.HqKey, $"?region={Guangdong}");
        foreach (var field in CompetitionFields)
            await Expect(dashboard.Total(field)).ToHaveTextAsync(after[Guangdong].GetProperty("totals").Number(field));
        var guangzhou = after[Guangdong].GetProperty("children").EnumerateArray().Single(c => c.Code() == Guangzhou).GetProperty("totals");
        foreach (var field in CompetitionFields)
            await Expect(dashboard.ChildRow(Guangzhou).Locator($"[data-field='{field}']")).ToHaveTextAsync(guangzhou.Number(field));
        await dashboard.ScreenshotAsync("province-competitions", dashboard.Page.Locator("#totals"));
        await dashboard.GotoAsync($"?region={Tianhe}");
        foreach (var field in CompetitionFields)
            await Expect(dashboard.Total(field)).ToHaveTextAsync(after[Tianhe].GetProperty("totals").Number(field));

        // The branch's page on the dashboard lists it, with its history.
        await dashboard.GotoAsync($"?branch={branch.Id}");
        var row = dashboard.Page.Locator($"#records tr[data-record='competition/{id}']");
        await Expect(row).ToContainTextAsync("劳动和技能竞赛");
        await Expect(row).ToContainTextAsync("参与 120 人次（一线 90，女职工 35）；获奖 18 人");
        await row.GetByRole(AriaRole.Button, new() { Name = "查看" }).ClickAsync();
        await Expect(dashboard.Page.Locator("#historyTable tr[data-what='created']")).ToContainTextAsync($"{title} · 2021-04-12");

        // Corrected on the phone: the same id, more participants.
        await phone.ShowAsync("records");
        await phone.Entry(title).GetByRole(AriaRole.Button, new() { Name = "修改" }).ClickAsync();
        var total = phone.Page.Locator("#form-competitions").GetByLabel("参与人次");
        await Expect(total).ToHaveValueAsync("120");
        await Expect(phone.Page.Locator("#form-competitions").GetByLabel("竞赛类型")).ToHaveValueAsync("skills");
        await total.FillAsync("150");
        await phone.SaveAsync();
        await phone.ShowAsync("records");
        await Expect(phone.Entry(title).Locator(".figures")).ToContainTextAsync("参与 150 人次");
        await Expect(phone.State(title)).ToHaveTextAsync("已同步");
        var corrected = await fixture.Hq.GetAsync(branch.RecordPath(kind, id));
        Assert.Equal((2L, 150, "2021-04-16"), (corrected.GetProperty("version").GetInt64(),
            corrected.GetProperty("participants").GetProperty("total").GetInt32(), corrected.GetProperty("endsOn").GetString()));
        await fixture.Hq.EventuallyAsync($"/api/rollups/{Tianhe}?campaignId={Campaign}",
            r => Added(before[Tianhe], r.GetProperty("totals"), "competitionParticipants") == 150, "the county counts the correction");

        // Voided on the phone, with a reason: it leaves the figures.
        await phone.Entry(title).GetByRole(AriaRole.Button, new() { Name = "作废" }).ClickAsync();
        var dialog = phone.Page.Locator("#voidDialog");
        await dialog.GetByLabel("作废原因").FillAsync("与县总工会的比武重复登记");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "作废", Exact = true }).ClickAsync();
        await Expect(phone.State(title)).ToHaveTextAsync("已作废");
        var voided = await fixture.Hq.GetAsync(branch.RecordPath(kind, id));
        Assert.Equal((true, "与县总工会的比武重复登记"), (voided.GetProperty("voided").GetBoolean(), voided.GetProperty("voidReason").GetString()));
        var gone = await fixture.Hq.EventuallyAsync($"/api/rollups/{Tianhe}?campaignId={Campaign}",
            r => CompetitionFields.All(f => Added(before[Tianhe], r.GetProperty("totals"), f) == 0), "the county no longer counts the voided competition");
        await dashboard.GotoAsync($"?region={Tianhe}");
        foreach (var field in CompetitionFields)
            await Expect(dashboard.Total(field)).ToHaveTextAsync(gone.GetProperty("totals").Number(field));

        phone.Tab.AssertNoConsoleErrors();
        dashboard.AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task AnInvalidCompetitionIsRefusedOnThePhoneNamingEachFieldAndNothingIsQueued()
    {
        var branch = await BranchData.RegisterAsync(fixture.Hq, "竞赛有误");
        await using var phone = new BranchPage(await fixture.OpenAsync(Phone, PhoneHeight));
        await phone.SignInWithLinkAsync(branch.Key);
        await phone.ChooseCampaignAsync(Campaign);
        const string title = "班组创新成果比赛";

        // No kind chosen, more women than participants, and a start after the campaign's end (2021-06-30).
        await phone.FillCompetitionAsync(title, null, "2021-07-05", 30, women: 31);
        await phone.Page.Locator("#form-competitions button[type=submit]").ClickAsync();

        var women = phone.Page.Locator("#c-women");
        await Expect(phone.Page.Locator("#c-women-error")).ToHaveTextAsync("不能超过参与人次（30）");
        await Expect(women).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(women).ToHaveAttributeAsync("aria-describedby", "c-women-error");
        await Expect(phone.Page.Locator("#c-kind-error")).ToHaveTextAsync("必填");
        await Expect(phone.Page.Locator("#c-startsOn-error")).ToHaveTextAsync("2021-07-05 不在活动期间（2021-01-04 至 2021-06-30）");
        await Expect(phone.Page.Locator("#c-title")).Not.ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(phone.Page.Locator("#saved")).ToBeEmptyAsync();
        await phone.Tab.AssertNoHorizontalScrollAsync();
        var violations = await phone.Tab.SeriousAccessibilityViolationsAsync();
        Assert.True(violations.Length == 0, "axe-core found serious or critical violations:\n" + string.Join("\n", violations));
        await phone.Tab.ScreenshotAsync("branch-competition-problems");
        await AssertNothingQueuedAsync(phone, branch);

        // Put right, the same form is saved and sent.
        var form = phone.Page.Locator("#form-competitions");
        await form.GetByLabel("竞赛类型").SelectOptionAsync(new SelectOptionValue { Label = "创新竞赛" });
        await form.GetByLabel("女职工").FillAsync("12");
        await form.GetByLabel("开始日期").FillAsync("2021-05-10");
        await phone.SaveAsync();
        await phone.ShowAsync("records");
        await Expect(phone.State(title)).ToHaveTextAsync("已同步");
        var (kind, id) = await phone.KeyOfAsync(title);
        var stored = await fixture.Hq.GetAsync(branch.RecordPath(kind, id));
        Assert.Equal(("innovation", "2021-05-10", 12), (stored.GetProperty("kind").GetString(), stored.GetProperty("startsOn").GetString(),
            stored.GetProperty("participants").GetProperty("women").GetInt32()));
        phone.Tab.AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task AwardeesAboveTheParticipantsAndAnEndBeforeTheStartAreRefusedOnThePhone()
    {
        var branch = await BranchData.RegisterAsync(fixture.Hq, "竞赛获奖有误");
        await using var phone = new BranchPage(await fixture.OpenAsync(Phone, PhoneHeight));
        await phone.SignInWithLinkAsync(branch.Key);
        await phone.ChooseCampaignAsync(Campaign);

        await phone.FillCompetitionAsync("技术比武", "技能竞赛", "2021-05-10", 30, endsOn: "2021-05-08", awardees: 40);
        await phone.Page.Locator("#form-competitions button[type=submit]").ClickAsync();

        var awardees = phone.Page.Locator("#c-awardees");
        await Expect(phone.Page.Locator("#c-awardees-error")).ToHaveTextAsync("不能超过参与人次（30）");
        await Expect(awardees).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(awardees).ToHaveAttributeAsync("aria-describedby", "c-awardees-error");
        await Expect(phone.Page.Locator("#c-endsOn-error")).ToHaveTextAsync("不能早于开始日期（2021-05-10）");
        await Expect(phone.Page.Locator("#saved")).ToBeEmptyAsync();
        await AssertNothingQueuedAsync(phone, branch);
        phone.Tab.AssertNoConsoleErrors();
    }

    /// <summary>Nothing waits in the phone's outbox and nothing reached the service.</summary>
    private async Task AssertNothingQueuedAsync(BranchPage phone, BranchData branch)
    {
        Assert.Equal(0, await phone.Page.EvaluateAsync<int>(CountEntries));
        await Expect(phone.Page.Locator("#pendingCount")).ToBeHiddenAsync();
        await phone.ShowAsync("records");
        await Expect(phone.Page.Locator("#entries")).ToHaveTextAsync("本活动还没有记录。");
        Assert.Equal(0, (await fixture.Hq.GetAsync($"/api/branches/{branch.Id}/records?campaignId={Campaign}")).GetProperty("total").GetInt64());
        await phone.ShowAsync("entry");
    }

    private static long Added(JsonElement before, JsonElement after, string field) =>
        after.GetProperty(field).GetInt64() - before.GetProperty(field).GetInt64();

    /// <summary>How many entries the phone's outbox holds, in any state.</summary>
    private const string CountEntries = """
        () => new Promise((resolve, reject) => {
          const open = indexedDB.open('grassroots-branch');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const count = open.result.transaction('entries').objectStore('entries').count();
            count.onsuccess = () => { open.result.close(); resolve(count.result); };
            count.onerror = () => reject(count.error);
          };
        })
        """;
}
