using Grassroots.Domain.Rollups;
using Grassroots.Domain;
using Grassroots.Silo.Apis;
using Grassroots.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using CheckStatus = Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus;

namespace Grassroots.Silo.Hosting;

/// <summary>
/// /healthz and /readyz over ASP.NET Core's health checks: readiness is the checks tagged <see cref="ReadyTag"/>
/// (<see cref="SiloReadiness"/>), run by <see cref="HealthCheckService"/>. The endpoints are route handlers rather than
/// MapHealthChecks' middleware so that the OpenAPI document, made from the endpoints, still describes them (their
/// answers, their schema, that they need no key), and a failed check answers problem details like every other 503.
/// </summary>
public static class HealthApi
{
    public const string ReadyTag = "ready";

    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<SiloReadiness>("silo", tags: [ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new HealthStatus("up"))).WithName("Healthz").WithTags("Health").WithSummary("The process is up.");
        app.MapGet("/readyz", ReadyAsync).WithName("Readyz").WithTags("Health")
            .WithSummary("The database is reachable, the schema current, the silo active in its cluster, its demo data loaded and not draining.")
            .Produces<HealthStatus>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    /// <summary>Where a failed check keeps its reason, a message the 503's title is worded from in the request's language.</summary>
    public const string ReasonKey = "reason";

    /// <summary>200 "ready", or 503 with the first failed check's reason as the title (and its error as the detail).</summary>
    private static async Task<IResult> ReadyAsync(HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(check => check.Tags.Contains(ReadyTag), cancellationToken);
        if (report.Status == CheckStatus.Healthy) return TypedResults.Ok(new HealthStatus("ready"));
        var failed = report.Entries.Values.First(e => e.Status != CheckStatus.Healthy);
        var reason = failed.Data.TryGetValue(ReasonKey, out var said) && said is Message message ? message : new Message(MessageKeys.Untranslated, failed.Description ?? "");
        return failed.Exception is { } error
            ? TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: reason.InCurrentCulture(), detail: error.Message)
            : ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable, reason);
    }
}

/// <summary>Whether this silo may be sent traffic, in the order an operator would look: the first reason it may not is the answer.</summary>
public sealed class SiloReadiness(Migrator migrator, ISiloStatusOracle silo, Draining draining, ShardLease lease,
    DemoDataLoader demo, RollupBroadcast rollups) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (draining.IsDraining) return Unhealthy(new(MessageKeys.ShuttingDown));
        if (silo.CurrentStatus != SiloStatus.Active) return Unhealthy(new(MessageKeys.SiloNotActive, silo.CurrentStatus.ToString()));
        if (!rollups.IsStarted) return Unhealthy(new(MessageKeys.RollupsNotJoined));
        if (!lease.HoldsAll) return Unhealthy(new(MessageKeys.ShardNotHeld));
        if (!demo.IsDone) return Unhealthy(new(MessageKeys.DemoLoading));
        try
        {
            return await migrator.IsCurrentAsync(cancellationToken) ? HealthCheckResult.Healthy() : Unhealthy(new(MessageKeys.MigrationsPending));
        }
        catch (Exception error) when (StorageFailures.IsUnavailable(error))
        {
            return Unhealthy(new(MessageKeys.DatabaseUnreachable), error);
        }
    }

    private static HealthCheckResult Unhealthy(Message reason, Exception? error = null) =>
        HealthCheckResult.Unhealthy(reason.English, error, new Dictionary<string, object> { [HealthApi.ReasonKey] = reason });
}

/// <summary>How a silo is: "up" (/healthz) or "ready" (/readyz).</summary>
public sealed record HealthStatus(string Status);
