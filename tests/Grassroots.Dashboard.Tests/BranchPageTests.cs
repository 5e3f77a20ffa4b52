using Grassroots.Dashboard.Tests.Support;
using Microsoft.Playwright;
using static Grassroots.Dashboard.Tests.Support.KnownData;
using static Microsoft.Playwright.Assertions;

namespace Grassroots.Dashboard.Tests;

/// <summary>
/// The branch officers' page at /branch/ on a 360 px phone in headless Chromium: signing in by link, logging without a
/// network, the outbox's states and its replay, returned entries, corrections and voids. What the service stored is
/// checked over the API; figures are waited for, since they follow a write by a moment.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class BranchPageTests(DashboardFixture fixture)
{
    private const int Phone = 360, PhoneHeight = 740;

    /// <summary>
    /// The browser's own note of a request that was on its way when the test took the network away (the page reads its
    /// figures every few seconds): not an error of the page, which then keeps what it last read.
    /// </summary>
    private const string CutOff = "net::ERR_INTERNET_DISCONNECTED";

    private async Task<BranchPage> OpenAsync() => new(await fixture.OpenAsync(Phone, PhoneHeight));

    [BrowserFact]
    public async Task ASignInLinkSignsInAndLeavesNoKeyInTheAddressBarAndSignOutForgetsIt()
    {
        var branch = await BranchData.RegisterAsync(fixture.Hq, "登录链接");
        await using var page = await OpenAsync();

        await page.SignInWithLinkAsync(branch.Key);

        await Expect(page.Page.Locator("#who")).ToContainTextAsync(branch.Name);
        Assert.Equal(new Uri(fixture.Silo.BaseAddress, "/branch/").ToString(), page.Page.Url);
        Assert.Equal("", await page.Page.EvaluateAsync<string>("() => location.hash"));
        Assert.DoesNotContain(branch.Key, await page.Page.ContentAsync());
        await page.OfflineReadyAsync();

        // Reopened without the link: still signed in (the key is kept on the phone).
        await page.Tab.GotoPathAsync("/branch/");
        await Expect(page.Page.Locator("#who")).ToContainTextAsync(branch.Name);

        await page.Page.GetByRole(AriaRole.Button, new() { Name = "退出" }).ClickAsync();
        await Expect(page.Page.Locator("#signIn")).ToBeVisibleAsync();
        await page.Page.ReloadAsync();
        await Expect(page.Page.Locator("#signIn")).ToBeVisibleAsync();
        Assert.Null(await StoredKeyAsync(page));

        // Pasting the key signs in too.
        await page.Page.GetByLabel("基层工会密钥").FillAsync(branch.Key);
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page.Page.Locator("#who")).ToContainTextAsync(branch.Name);
        page.Tab.AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task AnEntrySavedOfflineSurvivesAReloadAndOnceOnlineReachesTheBranchAndNationalFigures()
    {
        var branch = await BranchData.RegisterAsync(fixture.Hq, "离线登记");
        await using var page = await OpenAsync();
        await page.SignInWithLinkAsync(branch.Key);
        await page.ChooseCampaignAsync(Campaign);
        await page.OfflineReadyAsync();
        var national = (await fixture.Hq.RollupAsync("CN")).GetProperty("totals").GetProperty("attendance").GetInt64();
        const string title = "离线学习劳模精神";

        await page.Context.SetOfflineAsync(true);
        await page.FillStudySessionAsync(title, "2021-03-15", 37, women: 12);
        await page.SaveAsync();
        await page.ShowAsync("records");
        await Expect(page.State(title)).ToHaveTextAsync("待同步");
        await page.Page.ReloadAsync();
        await Expect(page.Page.Locator("#app")).ToBeVisibleAsync();
        await Expect(page.Page.Locator("#network")).ToHaveTextAsync("离线");
        await page.ShowAsync("records");
        await Expect(page.State(title)).ToHaveTextAsync("待同步");
        await page.Tab.ScreenshotAsync("branch-offline-pending");
        var (kind, id) = await page.KeyOfAsync(title);
        Assert.Equal(404, await fixture.Hq.StatusAsync(branch.RecordPath(kind, id)));

        await page.Context.SetOfflineAsync(false);
        await Expect(page.State(title)).ToHaveTextAsync("已同步");
        var stored = await fixture.Hq.GetAsync(branch.RecordPath(kind, id));
        Assert.Equal((title, "2021-03-15", 37, 12), (stored.GetProperty("title").GetString(), stored.GetProperty("heldOn").GetString(),
            stored.GetProperty("attendees").GetProperty("total").GetInt32(), stored.GetProperty("attendees").GetProperty("women").GetInt32()));
        await page.Tab.ScreenshotAsync("branch-synced");

        await page.ShowAsync("figures");
        await Expect(page.Total("attendance")).ToHaveTextAsync(Figures.Number(37));
        await Expect(page.Total("studySessions")).ToHaveTextAsync(Figures.Number(1));
        await page.Tab.ScreenshotAsync("branch-figures");
        await fixture.Hq.EventuallyAsync($"/api/rollups/CN?campaignId={Campaign}",
            r => r.GetProperty("totals").GetProperty("attendance").GetInt64() == national + 37, "the national rollup counts the entry");
        page.Tab.AssertNoConsoleErrors(CutOff);
    }

    [BrowserFact]
    public async Task AnEntrySavedOfflineIsSentWhenTheBrowserIsStartedAgain()
    {
        var branch = await BranchData.RegisterAsync(fixture.Hq, "重启发送");
        var profile = Path.Combine(Path.GetTempPath(), "grassroots-branch-profile", Guid.NewGuid().ToString("N"));
        const string title = "重启前登记的学习会";
        try
        {
            await using (var before = new BranchPage(await fixture.OpenProfileAsync(profile)))
            {
                await before.SignInWithLinkAsync(branch.Key);
                await before.ChooseCampaignAsync(Campaign);
                await before.OfflineReadyAsync();
                await before.Context.SetOfflineAsync(true);
                await before.FillStudySessionAsync(title, "2021-04-01", 21);
                await before.SaveAsync();
                await before.ShowAsync("records");
                await Expect(before.State(title)).ToHaveTextAsync("待同步");
                before.Tab.AssertNoConsoleErrors(CutOff);
            }
            Assert.Equal(0, (await branch.TotalsAsync(fixture.Hq)).GetProperty("studySessions").GetInt64());

            await using var after = new BranchPage(await fixture.OpenProfileAsync(profile));
            await after.Tab.GotoPathAsync("/branch/");
            await after.ShowAsync("records");
            await Expect(after.State(title)).ToHaveTextAsync("已同步");
            var (kind, id) = await after.KeyOfAsync(title);
            Assert.Equal(21, (await fixture.Hq.GetAsync(branch.RecordPath(kind, id))).GetProperty("attendees").GetProperty("total").GetInt32());
            after.Tab.AssertNoConsoleErrors();
        }
        finally
        {
            try
            {
                Directory.Delete(profile, recursive: true);
            }
            catch (IOException)
            {
                // the browser may still be letting go of a file; the temp folder is cleaned in time
            }
        }
    }

    [BrowserFact]
    public async Task ARejectedEntryShowsItsReasonInChineseAndOnceFixedSyncs()
    {
        // A campaign of this test alone, starting before the known one so the dashboard's default campaign stays.
        var campaign = $"reject-{Guid.NewGuid():N}"[..16];
        await fixture.Hq.PutAsync($"/api/campaigns/{campaign}", new { title = "退回测试活动", startsOn = "2020-06-01", endsOn = "2020-12-31" });
        var branch = await BranchData.RegisterAsync(fixture.Hq, "退回修改");
        await using var page = await OpenAsync();
        await page.SignInWithLinkAsync(branch.Key);
        await page.ChooseCampaignAsync(campaign);
        await Expect(page.Page.Locator("#campaignDates")).ToContainTextAsync("2020-12-31");
        const string title = "活动期间外的学习会";

        // Offline, the phone still knows the old dates; meanwhile headquarters shortens the campaign.
        await page.Context.SetOfflineAsync(true);
        await fixture.Hq.PutAsync($"/api/campaigns/{campaign}", new { title = "退回测试活动", startsOn = "2020-06-01", endsOn = "2020-09-30" });
        await page.FillStudySessionAsync(title, "2020-11-15", 18);
        await page.SaveAsync();
        await page.Context.SetOfflineAsync(false);

        await page.ShowAsync("records");
        await Expect(page.State(title)).ToHaveTextAsync("被退回");
        await Expect(page.Entry(title).Locator(".reason")).ToHaveTextAsync("退回原因：举办日期：2020-11-15 不在活动期间（2020-06-01 至 2020-09-30）");
        await page.Tab.ScreenshotAsync("branch-returned");
        var (kind, id) = await page.KeyOfAsync(title);
        Assert.Equal(404, await fixture.Hq.StatusAsync(branch.RecordPath(kind, id)));

        await page.Entry(title).GetByRole(AriaRole.Button, new() { Name = "修改" }).ClickAsync();
        var heldOn = page.Page.Locator("#form-study-sessions").GetByLabel("举办日期");
        await Expect(heldOn).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(page.Page.Locator("#s-heldOn-error")).ToHaveTextAsync("2020-11-15 不在活动期间（2020-06-01 至 2020-09-30）");
        await page.Tab.ScreenshotAsync("branch-returned-fix");
        // The campaign's new dates were read when the entry came back: the page now refuses the old date itself.
        await page.Page.Locator("#form-study-sessions button[type=submit]").ClickAsync();
        await Expect(page.Page.Locator("#s-heldOn-error")).ToContainTextAsync("不在活动期间（2020-06-01 至 2020-09-30）");

        await heldOn.FillAsync("2020-09-15");
        await page.SaveAsync();
        await page.ShowAsync("records");
        await Expect(page.State(title)).ToHaveTextAsync("已同步");
        Assert.Equal("2020-09-15", (await fixture.Hq.GetAsync(branch.RecordPath(kind, id))).GetProperty("heldOn").GetString());
        Assert.Single((await fixture.Hq.GetAsync($"/api/branches/{branch.Id}/records?campaignId={campaign}")).GetProperty("items").EnumerateArray());
        // The browser notes the refused PUT itself; the page reported nothing else.
        page.Tab.AssertNoConsoleErrors("the server responded with a status of 400", CutOff);
    }

    [BrowserFact]
    public async Task AReplayedQueueStoresNothingTwice()
    {
        var branch = await BranchData.RegisterAsync(fixture.Hq, "重复发送");
        await using var page = await OpenAsync();
        await page.SignInWithLinkAsync(branch.Key);
        await page.ChooseCampaignAsync(Campaign);

        // The first answer is lost on the way back (the service stored the entry; the phone never heard), as on a weak network.
        var puts = 0;
        var firstStored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.Page.RouteAsync("**/api/branches/*/study-sessions/*", async route =>
        {
            if (route.Request.Method != "PUT")
            {
                await route.ContinueAsync();
                return;
            }
            var answer = await route.FetchAsync();
            if (Interlocked.Increment(ref puts) == 1)
            {
                firstStored.TrySetResult(); // the service has answered: the entry is stored
                await route.AbortAsync("connectionreset");
            }
            else await route.FulfillAsync(new() { Response = answer });
        });
        const string title = "回音丢失的学习会";
        await page.FillStudySessionAsync(title, "2021-05-06", 25);
        await page.SaveAsync();
        await page.ShowAsync("records");
        await Expect(page.State(title)).ToHaveTextAsync("待同步");
        var (kind, id) = await page.KeyOfAsync(title);
        // The page shows 待同步 as soon as the entry is saved, before its PUT has reached the service.
        await firstStored.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, (await fixture.Hq.GetAsync(branch.RecordPath(kind, id))).GetProperty("version").GetInt64());

        await page.Page.GetByRole(AriaRole.Button, new() { Name = "立即同步" }).ClickAsync();
        await Expect(page.State(title)).ToHaveTextAsync("已同步");
        Assert.True(puts >= 2, $"The entry was sent {puts} time(s).");

        // The whole queue sent again, as a phone restoring an old copy of it would: every PUT is answered unchanged.
        await page.Page.UnrouteAllAsync(new() { Behavior = UnrouteBehavior.Wait });
        await page.FillStudySessionAsync("同一队列的第二条", "2021-05-07", 9);
        await page.SaveAsync();
        await page.ShowAsync("records");
        await Expect(page.State("同一队列的第二条")).ToHaveTextAsync("已同步");
        var replayed = 0;
        page.Page.RequestFinished += (_, request) =>
        {
            if (request.Method == "PUT" && request.Url.Contains("/study-sessions/", StringComparison.Ordinal)) Interlocked.Increment(ref replayed);
        };
        Assert.Equal(2, await page.Page.EvaluateAsync<int>(MarkEveryEntryPending));
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "立即同步" }).ClickAsync();
        await EventuallyAsync(() => Volatile.Read(ref replayed) >= 2, "the queue is sent again");
        await Expect(page.Page.Locator("#entries .state", new() { HasText = "待同步" })).ToHaveCountAsync(0);

        var records = await fixture.Hq.GetAsync($"/api/branches/{branch.Id}/records?campaignId={Campaign}");
        Assert.Equal(2, records.GetProperty("total").GetInt64());
        Assert.Equal(1, (await fixture.Hq.GetAsync(branch.RecordPath(kind, id))).GetProperty("version").GetInt64());
        await fixture.Hq.EventuallyAsync($"/api/branches/{branch.Id}?campaignId={Campaign}",
            b => b.GetProperty("totals").GetProperty("studySessions").GetInt64() == 2 && b.GetProperty("totals").GetProperty("attendance").GetInt64() == 34,
            "the branch counts each entry once");
        page.Tab.AssertNoConsoleErrors("net::ERR_CONNECTION_RESET"); // the lost answer, as the browser notes it
    }

    [BrowserFact]
    public async Task ARecordIsCorrectedAndVoidedFromThePhoneAndATalkPicksItsHonoreeByName()
    {
        var branch = await BranchData.RegisterAsync(fixture.Hq, "更正作废");
        await LogSessionAsync(fixture.Hq, branch.Id, "from-api", 30, new DateOnly(2021, 2, 1));
        await using var page = await OpenAsync();
        await page.SignInWithLinkAsync(branch.Key);
        await page.ChooseCampaignAsync(Campaign);
        await page.ShowAsync("records");
        var logged = page.Page.Locator("#entries li[data-entry='study-sessions/from-api']");
        await Expect(logged.Locator(".state")).ToHaveTextAsync("已同步");

        // A correction: the same id, a changed body.
        await logged.GetByRole(AriaRole.Button, new() { Name = "修改" }).ClickAsync();
        var total = page.Page.Locator("#form-study-sessions").GetByLabel("参与人次");
        await Expect(total).ToHaveValueAsync("30");
        await total.FillAsync("32");
        await page.SaveAsync();
        await page.ShowAsync("records");
        await Expect(logged.Locator(".figures")).ToContainTextAsync("参与 32 人次");
        await Expect(logged.Locator(".state")).ToHaveTextAsync("已同步");
        var corrected = await fixture.Hq.GetAsync(branch.RecordPath("study-sessions", "from-api"));
        Assert.Equal((2L, 32), (corrected.GetProperty("version").GetInt64(), corrected.GetProperty("attendees").GetProperty("total").GetInt32()));

        // A void, with a reason.
        await logged.GetByRole(AriaRole.Button, new() { Name = "作废" }).ClickAsync();
        await Expect(page.Page.Locator("#voidDialog")).ToBeVisibleAsync();
        var dialog = page.Page.Locator("#voidDialog");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "作废", Exact = true }).ClickAsync();
        await Expect(page.Page.Locator("#voidError")).ToHaveTextAsync("必填");
        await dialog.GetByLabel("作废原因").FillAsync("重复登记");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "作废", Exact = true }).ClickAsync();
        await Expect(logged.Locator(".state")).ToHaveTextAsync("已作废");
        var voided = await fixture.Hq.GetAsync(branch.RecordPath("study-sessions", "from-api"));
        Assert.Equal((true, "重复登记"), (voided.GetProperty("voided").GetBoolean(), voided.GetProperty("voidReason").GetString()));

        // A talk: its honoree found by part of the name.
        await page.ShowAsync("entry");
        await page.PickKindAsync("劳模宣讲");
        var talk = page.Page.Locator("#form-honoree-talks");
        await page.Page.GetByLabel("按姓名搜索劳模").FillAsync("劳模甲");
        await page.Page.Locator("#honoreeResults").GetByRole(AriaRole.Button, new() { Name = "测试劳模甲" }).ClickAsync();
        await Expect(page.Page.Locator("#chosenHonorees")).ToContainTextAsync("测试劳模甲");
        await talk.GetByLabel("标题").FillAsync("劳模进车间");
        await talk.GetByLabel("宣讲日期").FillAsync("2021-03-20");
        await talk.GetByLabel("形式").SelectOptionAsync("onsite");
        await talk.GetByLabel("宣讲场所").SelectOptionAsync("workshop");
        await talk.GetByLabel("现场受众人次").FillAsync("66");
        await page.SaveAsync();
        await page.ShowAsync("records");
        await Expect(page.State("劳模进车间")).ToHaveTextAsync("已同步");
        var (kind, id) = await page.KeyOfAsync("劳模进车间");
        var stored = await fixture.Hq.GetAsync(branch.RecordPath(kind, id));
        Assert.Equal(["gd-h1"], stored.GetProperty("honoreeIds").EnumerateArray().Select(h => h.GetString()));
        Assert.Equal(("workshop", 66), (stored.GetProperty("venue").GetString(), stored.GetProperty("audience").GetInt32()));
        page.Tab.AssertNoConsoleErrors();
    }

    [BrowserFact]
    public async Task EveryStateOfThePhonePageFitsIn360PxAndAxeFindsNoSeriousViolations()
    {
        var branch = await BranchData.RegisterAsync(fixture.Hq, "无障碍");
        await using var page = await OpenAsync();
        var problems = new List<string>();
        async Task CheckAsync(string state)
        {
            await page.Tab.AssertNoHorizontalScrollAsync();
            problems.AddRange((await page.Tab.SeriousAccessibilityViolationsAsync()).Select(v => $"{state}: {v}"));
            await page.Tab.ScreenshotAsync($"branch-{state}");
        }

        await page.Tab.GotoPathAsync("/branch/");
        await Expect(page.Page.GetByLabel("基层工会密钥")).ToBeVisibleAsync();
        await CheckAsync("sign-in");
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "登录" }).ClickAsync();
        await Expect(page.Page.Locator("#signInError")).ToBeVisibleAsync();
        await CheckAsync("sign-in-error");

        await page.SignInWithLinkAsync(branch.Key);
        await page.ChooseCampaignAsync(Campaign);
        await CheckAsync("study-session-form");
        await page.FillStudySessionAsync("", "2021-07-30", 10, women: 11);
        await page.Page.Locator("#form-study-sessions button[type=submit]").ClickAsync();
        await Expect(page.Page.Locator("#s-women-error")).ToContainTextAsync("不能超过参与人次（10）");
        await Expect(page.Page.Locator("#s-title-error")).ToHaveTextAsync("必填");
        await Expect(page.Page.Locator("#s-heldOn-error")).ToContainTextAsync("不在活动期间");
        await CheckAsync("form-problems");

        await page.PickKindAsync("劳模宣讲");
        await page.Page.GetByLabel("按姓名搜索劳模").FillAsync("测试");
        await Expect(page.Page.Locator("#honoreeResults li").First).ToBeVisibleAsync();
        await CheckAsync("talk-form");
        await page.PickKindAsync("宣传报道");
        await CheckAsync("publicity-form");

        await page.PickKindAsync("学习会");
        await page.Context.SetOfflineAsync(true);
        await page.FillStudySessionAsync("无障碍检查的学习会", "2021-03-03", 10, women: 4);
        await page.SaveAsync();
        await page.ShowAsync("records");
        await Expect(page.State("无障碍检查的学习会")).ToHaveTextAsync("待同步");
        await CheckAsync("records-pending");
        await page.Context.SetOfflineAsync(false);
        await Expect(page.State("无障碍检查的学习会")).ToHaveTextAsync("已同步");
        await CheckAsync("records");
        await page.Entry("无障碍检查的学习会").GetByRole(AriaRole.Button, new() { Name = "作废" }).ClickAsync();
        await Expect(page.Page.Locator("#voidDialog")).ToBeVisibleAsync();
        await CheckAsync("void-dialog");
        await page.Page.GetByRole(AriaRole.Button, new() { Name = "不作废" }).ClickAsync();
        await page.ShowAsync("figures");
        await Expect(page.Total("studySessions")).ToHaveTextAsync(Figures.Number(1));
        await CheckAsync("figures");

        Assert.True(problems.Count == 0, "axe-core found serious or critical violations:\n" + string.Join("\n", problems));
        page.Tab.AssertNoConsoleErrors(CutOff);
    }

    private static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Not within 30 s: {what}.");
            await Task.Delay(100);
        }
    }

    /// <summary>Puts every entry of the outbox back to pending, as an old copy of the queue would be.</summary>
    private const string MarkEveryEntryPending = """
        () => new Promise((resolve, reject) => {
          const open = indexedDB.open('grassroots-branch');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction('entries', 'readwrite');
            const store = tx.objectStore('entries');
            const all = store.getAll();
            all.onsuccess = () => all.result.forEach(e => store.put({ ...e, state: 'pending', rev: e.rev + 1 }));
            tx.oncomplete = () => { open.result.close(); resolve(all.result.length); };
            tx.onerror = () => reject(tx.error);
          };
        })
        """;

    private static Task<string?> StoredKeyAsync(BranchPage page) => page.Page.EvaluateAsync<string?>("""
        () => new Promise(resolve => {
          const open = indexedDB.open('grassroots-branch');
          open.onsuccess = () => {
            const get = open.result.transaction('settings').objectStore('settings').get('apiKey');
            get.onsuccess = () => { resolve(get.result ?? null); open.result.close(); };
          };
        })
        """);
}
