using Grassroots.Storage;

namespace Grassroots.Silo.Apis;

public static class HealthApi
{
    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "up" })).WithName("Healthz").WithTags("Health").WithSummary("The process is up.");
        app.MapGet("/readyz", ReadyAsync).WithName("Readyz").WithTags("Health")
            .WithSummary("The database is reachable and the schema current.").ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    private static async Task<IResult> ReadyAsync(Migrator migrator, CancellationToken cancellationToken)
    {
        try
        {
            return await migrator.IsCurrentAsync(cancellationToken)
                ? TypedResults.Ok(new { status = "ready" })
                : TypedResults.Problem(statusCode: 503, title: "Migrations are not applied yet.");
        }
        catch (Exception error) when (error is System.Data.Common.DbException or TimeoutException or System.Net.Sockets.SocketException)
        {
            return TypedResults.Problem(statusCode: 503, title: "The database is unreachable.", detail: error.Message);
        }
    }
}
