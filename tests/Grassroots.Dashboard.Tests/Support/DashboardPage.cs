using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Grassroots.Dashboard.Tests.Support;

/// <summary>
/// The dashboard in one browser tab, as a person uses it: sign in, read figures, click. It records every console error
/// and uncaught script error, which <see cref="AssertNoConsoleErrors"/> then reports.
/// </summary>
public sealed class DashboardPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;
    private readonly Uri _baseAddress;
    private readonly List<string> _errors = [];

    private DashboardPage(IBrowserContext context, IPage page, Uri baseAddress)
    {
        _context = context;
        _baseAddress = baseAddress;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error") lock (_errors) _errors.Add($"console error: {message.Text} at {message.Location}");
        };
        page.PageError += (_, error) =>
        {
            lock (_errors) _errors.Add($"uncaught: {error}");
        };
    }

    public IPage Page { get; }

    public IBrowserContext Context => _context;

    public static async Task<DashboardPage> OpenAsync(IBrowserContext context, Uri baseAddress)
    {
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        // An uncaught error's message alone does not say where it came from: log its stack as an error too.
        await page.AddInitScriptAsync("window.addEventListener('error', e => console.error('stack of the uncaught error: ' + (e.error && e.error.stack)));");
        return new DashboardPage(context, page, baseAddress);
    }

    /// <summary>Opens the page (optionally at "?region=…") and signs in with <paramref name="key"/> through the form.</summary>
    public async Task SignInAsync(string key, string query = "")
    {
        await GotoAsync(query);
        await Page.GetByLabel("访问密钥（API key）").FillAsync(key);
        await Page.GetByRole(AriaRole.Button, new() { Name = "进入看板" }).ClickAsync();
        await Expect(Total("studySessions")).ToBeVisibleAsync();
    }

    public async Task GotoAsync(string query = "") => await Page.GotoAsync(new Uri(_baseAddress, "/" + query).ToString());

    /// <summary>Opens another page of the service, e.g. "/branch/".</summary>
    public async Task GotoPathAsync(string pathAndQuery) => await Page.GotoAsync(new Uri(_baseAddress, pathAndQuery).ToString());

    /// <summary>Runs a script file from the tests' Vendor folder (axe-core, jsQR) in the page.</summary>
    public async Task AddVendorScriptAsync(string file) =>
        await Page.AddScriptTagAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "Vendor", file) });

    /// <summary>A headline figure, e.g. "attendance".</summary>
    public ILocator Total(string field) => Page.Locator($"#totals [data-total='{field}'] .value");

    /// <summary>A child region's row in the ranking table.</summary>
    public ILocator ChildRow(string code) => Page.Locator($"#children tr[data-code='{code}']");

    public ILocator Heading => Page.Locator("#heading");

    /// <summary>Fails unless the document is as wide as the viewport (nothing scrolls sideways).</summary>
    public async Task AssertNoHorizontalScrollAsync()
    {
        var widths = await Page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        var (scrollWidth, viewport) = (widths[0], widths[1]);
        Assert.True(scrollWidth <= viewport, $"The page is {scrollWidth}px wide in a {viewport}px viewport.");
    }

    public async Task ScreenshotAsync(string name) =>
        await Page.ScreenshotAsync(new() { Path = Path.Combine(DashboardFixture.Screenshots, $"{name}.png"), FullPage = true });

    /// <summary>The viewport with <paramref name="focus"/> scrolled to its middle: for pages too long to read whole in a document.</summary>
    public async Task ScreenshotAsync(string name, ILocator focus)
    {
        await focus.EvaluateAsync("e => e.scrollIntoView({ block: 'center' })");
        await Page.ScreenshotAsync(new() { Path = Path.Combine(DashboardFixture.Screenshots, $"{name}.png") });
    }

    /// <summary>Runs axe-core in the page; returns each serious or critical violation as "rule (impact): help — nodes".</summary>
    public async Task<string[]> SeriousAccessibilityViolationsAsync()
    {
        if (!await Page.EvaluateAsync<bool>("() => typeof axe !== 'undefined'")) await AddVendorScriptAsync("axe.min.js");
        var violations = await Page.EvaluateAsync<JsonElement>("""
            async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
              .filter(v => v.impact === 'serious' || v.impact === 'critical')
              .map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 5).map(n => n.target.join(' ')).join('; ')}`)
            """);
        return [.. violations.EnumerateArray().Select(v => v.GetString()!)];
    }

    /// <summary>
    /// Fails if the browser reported an error, other than those containing one of <paramref name="expected"/> (e.g. the
    /// browser's own line about a 400 the test provoked on purpose).
    /// </summary>
    public void AssertNoConsoleErrors(params string[] expected)
    {
        lock (_errors)
        {
            var unexpected = _errors.Where(e => !expected.Any(x => e.Contains(x, StringComparison.Ordinal))).ToList();
            Assert.True(unexpected.Count == 0, "The browser reported errors:\n" + string.Join("\n", unexpected));
        }
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}
