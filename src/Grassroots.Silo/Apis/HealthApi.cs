using Grassroots.Domain.Rollups;
using Grassroots.Silo.Hosting;
using Grassroots.Storage;

namespace Grassroots.Silo.Apis;

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new HealthStatus("up"))).WithName("Healthz").WithTags("Health").WithSummary("The process is up.");
        app.MapGet("/readyz", ReadyAsync).WithName("Readyz").WithTags("Health")
            .WithSummary("The database is reachable, the schema current, the silo active in its cluster, its demo data loaded and not draining.")
            .Produces<HealthStatus>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> ReadyAsync(Migrator migrator, ISiloStatusOracle silo, Draining draining, ShardLease lease,
        DemoDataLoader demo, RollupBroadcast rollups, CancellationToken cancellationToken)
    {
        if (draining.IsDraining) return TypedResults.Problem(statusCode: 503, title: "The silo is shutting down.");
        if (silo.CurrentStatus != SiloStatus.Active) return TypedResults.Problem(statusCode: 503, title: $"The silo is {silo.CurrentStatus}, not active.");
        if (!rollups.IsStarted) return TypedResults.Problem(statusCode: 503, title: "The silo has not yet joined its peers' rollup figures.");
        if (!lease.HoldsAll) return TypedResults.Problem(statusCode: 503, title: "The silo does not hold its writer shard (database away?).");
        if (!demo.IsDone) return TypedResults.Problem(statusCode: 503, title: "The demo data is still loading.");
        try
        {
            return await migrator.IsCurrentAsync(cancellationToken)
                ? TypedResults.Ok(new HealthStatus("ready"))
                : TypedResults.Problem(statusCode: 503, title: "Migrations are not applied yet.");
        }
        catch (Exception error) when (StorageFailures.IsUnavailable(error))
        {
            return TypedResults.Problem(statusCode: 503, title: "The database is unreachable.", detail: error.Message);
        }
    }
}

/// <summary>How a silo is: "up" (/healthz) or "ready" (/readyz).</summary>
public sealed record HealthStatus(string Status);
