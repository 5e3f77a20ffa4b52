using Microsoft.Playwright;

namespace Grassroots.Dashboard.Tests.Support;

[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "Dashboard in Chromium";
}

/// <summary>
/// One service process with <see cref="KnownData"/> and one headless Chromium for every browser test; each test opens
/// its own browser context, so no sign-in or session storage is shared between tests.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public DashboardService Silo { get; private set; } = null!;
    public Api Hq { get; private set; } = null!;

    /// <summary>Where screenshots go: screenshots/ beside the test assembly.</summary>
    public static string Screenshots { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public async Task InitializeAsync()
    {
        if (Chromium.SkipReason is not null) return;
        if (!File.Exists(Chromium.Path))
            throw new InvalidOperationException($"Chromium is required for the dashboard tests in CI: {Chromium.Path} is missing.");
        Directory.CreateDirectory(Screenshots);
        // Figures refresh every 5 s and the machine may be busy with other test projects: wait long for a condition.
        Assertions.SetDefaultExpectTimeout(30_000);
        Silo = await DashboardService.StartAsync();
        Hq = new Api(Silo.BaseAddress, Silo.HqKey);
        await KnownData.LoadAsync(Hq);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium.Path, Headless = true, Args = Chromium.Args });
    }

    /// <summary>A fresh browser context and page at the given viewport (a laptop by default; 390 × 844 is a phone).</summary>
    public async Task<DashboardPage> OpenAsync(int width = 1280, int height = 900)
    {
        var context = await _browser!.NewContextAsync(new()
        {
            ViewportSize = new() { Width = width, Height = height }, Locale = "zh-CN", TimezoneId = "Asia/Shanghai",
            IsMobile = width < 600, HasTouch = width < 600,
        });
        return await DashboardPage.OpenAsync(context, Silo.BaseAddress);
    }

    /// <summary>
    /// A browser of its own over a profile folder that outlives it: closing the page closes that browser, and opening
    /// the same folder again is the phone's browser started anew, with its IndexedDB and service worker kept.
    /// </summary>
    public async Task<DashboardPage> OpenProfileAsync(string userDataDirectory, int width = 360, int height = 740)
    {
        var context = await _playwright!.Chromium.LaunchPersistentContextAsync(userDataDirectory, new()
        {
            ExecutablePath = Chromium.Path, Headless = true, Args = Chromium.Args,
            ViewportSize = new() { Width = width, Height = height }, Locale = "zh-CN", TimezoneId = "Asia/Shanghai",
            IsMobile = true, HasTouch = true,
        });
        return await DashboardPage.OpenAsync(context, Silo.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.CloseAsync();
        _playwright?.Dispose();
        Hq?.Dispose();
        if (Silo is not null) await Silo.DisposeAsync();
    }
}
