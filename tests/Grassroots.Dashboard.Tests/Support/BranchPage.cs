using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Grassroots.Dashboard.Tests.Support;

/// <summary>
/// The branch officers' page (/branch/) in one tab, as an officer uses it on a phone: sign in with a link, fill a form,
/// save, look at the records and the figures. Console errors are recorded by the <see cref="DashboardPage"/> beneath.
/// </summary>
public sealed class BranchPage(DashboardPage tab) : IAsyncDisposable
{
    public DashboardPage Tab { get; } = tab;
    public IPage Page => Tab.Page;
    public IBrowserContext Context => Tab.Context;

    /// <summary>Opens a sign-in link, /branch/#key=…, as the QR code on the key sheet holds it.</summary>
    public async Task SignInWithLinkAsync(string key)
    {
        await Tab.GotoPathAsync($"/branch/#key={Uri.EscapeDataString(key)}");
        await Expect(Page.Locator("#app")).ToBeVisibleAsync();
    }

    /// <summary>Waits until the service worker holds the page, so it opens without a network.</summary>
    public Task OfflineReadyAsync() => Expect(Page.Locator("html")).ToHaveAttributeAsync("data-offline", "ready");

    public async Task ChooseCampaignAsync(string campaignId)
    {
        await Page.Locator("#campaign").SelectOptionAsync(campaignId);
        await Expect(Page.Locator("#campaign")).ToHaveValueAsync(campaignId);
    }

    public Task ShowAsync(string tab) => Page.Locator($"[data-tab='{tab}']").ClickAsync();

    public async Task PickKindAsync(string kindName) => await Page.Locator("#kindPicker").GetByLabel(kindName).CheckAsync();

    /// <summary>Fills the study session form (the page opens on it); parts of the attendance only when given.</summary>
    public async Task FillStudySessionAsync(string title, string heldOn, int total, int? women = null)
    {
        await ShowAsync("entry");
        var form = Page.Locator("#form-study-sessions");
        await form.GetByLabel("标题").FillAsync(title);
        await form.GetByLabel("举办日期").FillAsync(heldOn);
        await form.GetByLabel("形式").SelectOptionAsync("offline");
        await form.GetByLabel("类型").SelectOptionAsync("group-study");
        await form.GetByLabel("参与人次").FillAsync(total.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (women is { } w) await form.GetByLabel("女职工").FillAsync(w.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Picks 劳动和技能竞赛 and fills its form: its kind by the label the page shows (劳动竞赛, 技能竞赛, 创新竞赛; null
    /// leaves it unchosen); the end, the parts of the participants and the awardees only when given.
    /// </summary>
    public async Task FillCompetitionAsync(string title, string? kindLabel, string startsOn, int participants,
        string? endsOn = null, int? frontline = null, int? women = null, int? awardees = null)
    {
        await ShowAsync("entry");
        await PickKindAsync("劳动和技能竞赛");
        var form = Page.Locator("#form-competitions");
        await form.GetByLabel("竞赛名称").FillAsync(title);
        if (kindLabel is not null) await form.GetByLabel("竞赛类型").SelectOptionAsync(new SelectOptionValue { Label = kindLabel });
        await form.GetByLabel("开始日期").FillAsync(startsOn);
        if (endsOn is not null) await form.GetByLabel("结束日期").FillAsync(endsOn);
        await form.GetByLabel("参与人次").FillAsync(Text(participants));
        if (frontline is { } f) await form.GetByLabel("一线职工").FillAsync(Text(f));
        if (women is { } w) await form.GetByLabel("女职工").FillAsync(Text(w));
        if (awardees is { } a) await form.GetByLabel("获奖人数").FillAsync(Text(a));
    }

    private static string Text(int n) => n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Saves the visible form and waits until the page says it is kept on the phone.</summary>
    public async Task SaveAsync()
    {
        await Page.Locator("form.entry:visible button[type=submit]").ClickAsync();
        await Expect(Page.Locator("#saved")).ToContainTextAsync("已保存");
    }

    /// <summary>A row of the records list by its title.</summary>
    public ILocator Entry(string title) => Page.Locator("#entries li", new() { HasText = title });

    public ILocator State(string title) => Entry(title).Locator(".state");

    /// <summary>The record's kind and id ("study-sessions", "20210301-…") as the phone made them.</summary>
    public async Task<(string Kind, string Id)> KeyOfAsync(string title)
    {
        var key = await Entry(title).GetAttributeAsync("data-entry") ?? throw new InvalidOperationException($"No entry titled {title}.");
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        return (key[..slash], key[(slash + 1)..]);
    }

    /// <summary>A headline figure of the branch on the 数据 tab, e.g. "attendance".</summary>
    public ILocator Total(string field) => Page.Locator($"#totals [data-total='{field}'] .value");

    public ValueTask DisposeAsync() => Tab.DisposeAsync();
}
