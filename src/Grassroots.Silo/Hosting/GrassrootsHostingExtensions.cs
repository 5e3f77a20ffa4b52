using System.Text.Json.Serialization;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Failover;
using Grassroots.Silo.Imports;
using Grassroots.Silo.OpenApi;
using Grassroots.Silo.Security;
using Grassroots.Silo.Telemetry;

namespace Grassroots.Silo.Hosting;

/// <summary>The table of contents of the service: what it is made of, and which endpoints it serves.</summary>
public static class GrassrootsHostingExtensions
{
    public static WebApplicationBuilder AddGrassroots(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DemoOptions>().BindConfiguration("Demo");
        // In start order: database and regions, the shard lease, then the Orleans silo; what calls grains comes after it.
        builder.AddGrassrootsSilo();
        builder.AddGrassrootsSecurity();
        services.AddGrassrootsImports();
        services.AddSingleton<DemoDataLoader>();
        services.AddHostedService(sp => sp.GetRequiredService<DemoDataLoader>());
        services.AddSiloFailover();
        services.AddResilienceEnricher(); // Polly's retries in the metrics, with the request's and the error's details
        services.AddSingleton<Draining>();
        services.AddHostedService(sp => sp.GetRequiredService<Draining>());
        services.AddHealth();
        // A silo not ready is not an error: /readyz answers 503 while it starts, drains or waits for the database, and
        // load balancers and drills ask it many times a second. The health check service would log each as an error.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.Critical);

        // Field rules are DataAnnotations, checked before each endpoint runs; every problem answer names fields as clients
        // do and speaks Chinese to a request that asks (Accept-Language: zh-CN).
        services.AddFieldValidation();
        services.AddProblemDetails(o => o.CustomizeProblemDetails = FrameworkProblems.Customize);
        services.AddRequestLocalization(o => o.SetDefaultCulture("en").AddSupportedUICultures("en", "zh-CN", "zh"));
        services.AddExceptionHandler<ApiProblems>();
        // Malformed JSON reaches ApiProblems as an exception, so it is answered with the field it broke.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase));
            // Strict JSON: a field sent twice is refused rather than the last one silently winning, and a number is a
            // JSON number, not a string of digits (the web defaults accept both).
            o.SerializerOptions.AllowDuplicateProperties = false;
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        services.AddGrassrootsOpenApi();
        builder.WebHost.ConfigureKestrel(o => o.Limits.MaxRequestLineSize = RequestLimits.ServerRequestLineLimit);
        builder.AddGrassrootsTelemetry();
        builder.AddManagementPort();
        return builder;
    }

    public static WebApplication MapGrassroots(this WebApplication app)
    {
        app.UseGrassrootsTelemetry();
        app.MapManagementPort();
        app.UseRequestLocalization();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<RequestLimits>();
        app.UseMiddleware<StrictRequests>();
        app.UseDefaultFiles();
        app.UseStaticFiles(StaticFileCaching.Options());
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGrassrootsOpenApi();
        app.MapHealthApi();
        app.MapGrassrootsApis();
        return app;
    }

    /// <summary>
    /// Serves until stopped; 0 then. A service that cannot start (its port or its SQLite database taken by another, the
    /// database away) says why on standard error and exits 1; the log above it has the details.
    /// </summary>
    public static async Task<int> RunUntilStoppedAsync(this WebApplication app)
    {
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (Exception error) when (error is IOException or InvalidOperationException or TimeoutException)
        {
            Console.Error.WriteLine($"The service could not start: {error.Message}");
            return 1;
        }
    }
}
