namespace Grassroots.Dashboard.Tests.Support;

/// <summary>
/// Debian's Chromium (Playwright cannot download its own browsers here). Without it the browser tests are skipped on a
/// developer's machine and fail in CI, where .ci/run installs it with fonts-noto-cjk.
/// </summary>
public static class Chromium
{
    public static string Path => Environment.GetEnvironmentVariable("GRASSROOTS_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    /// <summary>Flags for a headless run on a machine whose network refuses every background connection.</summary>
    public static readonly string[] Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-default-apps", "--lang=zh-CN",
    ];

    private static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? SkipReason => File.Exists(Path) || InCi
        ? null
        : $"The dashboard's browser tests need Chromium at {Path} (apt-get install chromium fonts-noto-cjk; .ci/run does).";
}

/// <summary>A test that drives the dashboard in Chromium; see <see cref="Chromium.SkipReason"/>.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute() => Skip = Chromium.SkipReason;

    /// <summary>The test also fills in or reads workbooks with openpyxl (see <see cref="Grassroots.TestSupport.Openpyxl.SkipReason"/>).</summary>
    public bool NeedsOpenpyxl
    {
        get => Skip is not null && Skip == Grassroots.TestSupport.Openpyxl.SkipReason;
        set => Skip = Chromium.SkipReason ?? (value ? Grassroots.TestSupport.Openpyxl.SkipReason : null);
    }
}
