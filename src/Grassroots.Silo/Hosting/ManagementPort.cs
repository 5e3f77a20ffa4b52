using Orleans.Dashboard;

namespace Grassroots.Silo.Hosting;

/// <summary>
/// What only operators see, on a port of its own (Management:Url, e.g. http://127.0.0.1:9301) that the front (nginx)
/// never routes: /metrics for Prometheus (when Telemetry:Prometheus is on) and the Orleans Dashboard at /dashboard for
/// headquarters' operators. Which port a request came in on decides, not its Host header, which a client writes: the
/// management port serves nothing else, and the public port none of these. Without Management:Url neither is served.
/// </summary>
public static class ManagementPort
{
    public const string MetricsPath = "/metrics", DashboardPath = "/dashboard";

    public static WebApplicationBuilder AddManagementPort(this WebApplicationBuilder builder)
    {
        if (Url(builder.Configuration) is not { } management) return builder;
        builder.WebHost.UseUrls([.. PublicUrls(builder.Configuration), management.ToString().TrimEnd('/')]);
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
        app.Use((context, next) =>
        {
            var onManagement = context.Connection.LocalPort == management.Port;
            var forManagement = context.Request.Path.StartsWithSegments(MetricsPath) || context.Request.Path.StartsWithSegments(DashboardPath);
            if (onManagement == forManagement) return next(context);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        if (app.Configuration.GetValue<bool>("Telemetry:Prometheus")) app.MapPrometheusScrapingEndpoint(MetricsPath);
        app.MapOrleansDashboard(DashboardPath).ExcludeFromDescription();
        return app;
    }

    private static Uri? Url(IConfiguration configuration) =>
        configuration["Management:Url"] is { Length: > 0 } url ? new Uri(url.Replace("*", "0.0.0.0", StringComparison.Ordinal)) : null;
}
