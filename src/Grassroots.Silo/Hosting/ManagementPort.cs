using System.Security.Cryptography;
using System.Text;
using Grassroots.Silo.Failover;
using Grassroots.Silo.Security;
using Orleans.Dashboard;

namespace Grassroots.Silo.Hosting;

/// <summary>
/// What only operators see, on a port of its own (Management:Url, e.g. http://127.0.0.1:9301) that the front (nginx)
/// never routes: /metrics for Prometheus (when Telemetry:Prometheus is on) and the Orleans Dashboard at /dashboard for
/// headquarters' operators. Which port a request came in on decides, not its Host header, which a client writes: the
/// management port serves nothing else, and the public port none of these. Without Management:Url neither is served.
/// Neither is open: /metrics takes the scrape token (Management:ScrapeToken, sent as "Authorization: Bearer &lt;token&gt;",
/// as Prometheus' `authorization` setting sends it), the dashboard an hq API key (as a bearer header, or as the password
/// of the browser's sign-in, HTTP Basic); anything else is answered 401.
/// </summary>
public static class ManagementPort
{
    public const string MetricsPath = "/metrics", DashboardPath = "/dashboard";

    /// <summary>The realm of the browser's sign-in: it tells the operator what to enter.</summary>
    private const string Realm = "Grassroots management: an hq API key as the password";

    public static WebApplicationBuilder AddManagementPort(this WebApplicationBuilder builder)
    {
        if (Url(builder.Configuration) is not { } management) return builder;
        builder.WebHost.UseUrls([.. PublicUrls(builder.Configuration), management.ToString().TrimEnd('/')]);
        // The ports are in the URLs now; left set, ASP.NET Core warns at every start that URLS overrides them.
        builder.WebHost.UseSetting(WebHostDefaults.HttpPortsKey, "").UseSetting(WebHostDefaults.HttpsPortsKey, "");
        return builder;
    }

    /// <summary>
    /// Where the public port would be served without the management port, as ASP.NET Core decides it: urls
    /// (ASPNETCORE_URLS, --urls), else http_ports/https_ports (ASPNETCORE_HTTP_PORTS: the container images' 8080 on every
    /// address), else http://localhost:5000. UseUrls replaces all of them, so they are carried over here.
    /// </summary>
    private static IEnumerable<string> PublicUrls(IConfiguration configuration)
    {
        static string[] Split(string? value) => value?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        if (Split(configuration["urls"]) is { Length: > 0 } urls) return urls;
        var ports = Split(configuration["http_ports"]).Select(p => $"http://*:{p}")
            .Concat(Split(configuration["https_ports"]).Select(p => $"https://*:{p}")).ToList();
        return ports.Count > 0 ? ports : ["http://localhost:5000"];
    }

    /// <summary>The Orleans Dashboard's grain statistics, collected only where the dashboard is served.</summary>
    public static ISiloBuilder AddManagementDashboard(this ISiloBuilder silo, IConfiguration configuration) =>
        Url(configuration) is null ? silo : silo.AddDashboard();

    public static WebApplication MapManagementPort(this WebApplication app)
    {
        if (Url(app.Configuration) is not { } management) return app;
        var scrapeToken = app.Configuration["Management:ScrapeToken"] is { Length: > 0 } token ? Encoding.UTF8.GetBytes(token) : null;
        app.Use(async (context, next) =>
        {
            var onManagement = context.Connection.LocalPort == management.Port;
            var metrics = context.Request.Path.StartsWithSegments(MetricsPath);
            var dashboard = context.Request.Path.StartsWithSegments(DashboardPath);
            if (onManagement != (metrics || dashboard))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
            if (!onManagement || (metrics ? IsScrapeToken(context, scrapeToken) : await IsHqKeyAsync(context)))
            {
                await next(context);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = metrics ? "Bearer" : $"Basic realm=\"{Realm}\", charset=\"UTF-8\"";
        });
        if (app.Configuration.GetValue<bool>("Telemetry:Prometheus")) app.MapPrometheusScrapingEndpoint(MetricsPath);
        app.MapOrleansDashboard(DashboardPath).ExcludeFromDescription();
        return app;
    }

    /// <summary>"Bearer &lt;the scrape token&gt;", compared in constant time. Without a token configured nothing is.</summary>
    private static bool IsScrapeToken(HttpContext context, byte[]? token) =>
        token is not null && Credential(context, "Bearer") is { } presented
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), token);

    /// <summary>An hq key, as a bearer token or as the password of HTTP Basic (the user name is not looked at).</summary>
    private static async Task<bool> IsHqKeyAsync(HttpContext context)
    {
        var key = Credential(context, "Bearer") ?? PasswordOf(Credential(context, "Basic"));
        if (string.IsNullOrEmpty(key)) return false;
        var keys = context.RequestServices.GetRequiredService<ApiKeyStore>();
        var record = await SiloFailover.RetryAsync(context.RequestServices, () => keys.AuthenticateAsync(key), context.RequestAborted);
        return record?.Role == Roles.Hq;
    }

    private static string? Credential(HttpContext context, string scheme) =>
        context.Request.Headers.Authorization.ToString() is var header && header.StartsWith(scheme + " ", StringComparison.OrdinalIgnoreCase)
            ? header[(scheme.Length + 1)..].Trim()
            : null;

    private static string? PasswordOf(string? basic)
    {
        if (basic is null) return null;
        try
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(basic));
            return pair.IndexOf(':', StringComparison.Ordinal) is var colon and >= 0 ? pair[(colon + 1)..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static Uri? Url(IConfiguration configuration) =>
        configuration["Management:Url"] is { Length: > 0 } url ? new Uri(url.Replace("*", "0.0.0.0", StringComparison.Ordinal)) : null;
}
