using Grassroots.Domain.Rollups;
using Grassroots.Domain;
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
        if (draining.IsDraining) return ApiProblems.Problem(503, new(MessageKeys.ShuttingDown));
        if (silo.CurrentStatus != SiloStatus.Active) return ApiProblems.Problem(503, new(MessageKeys.SiloNotActive, silo.CurrentStatus.ToString()));
        if (!rollups.IsStarted) return ApiProblems.Problem(503, new(MessageKeys.RollupsNotJoined));
        if (!lease.HoldsAll) return ApiProblems.Problem(503, new(MessageKeys.ShardNotHeld));
        if (!demo.IsDone) return ApiProblems.Problem(503, new(MessageKeys.DemoLoading));
        try
        {
            return await migrator.IsCurrentAsync(cancellationToken)
                ? TypedResults.Ok(new HealthStatus("ready"))
                : ApiProblems.Problem(503, new(MessageKeys.MigrationsPending));
        }
        catch (Exception error) when (StorageFailures.IsUnavailable(error))
        {
            return TypedResults.Problem(statusCode: 503, title: new Message(MessageKeys.DatabaseUnreachable).InCurrentCulture(), detail: error.Message);
        }
    }
}

/// <summary>How a silo is: "up" (/healthz) or "ready" (/readyz).</summary>
public sealed record HealthStatus(string Status);
