using System.Diagnostics.Metrics;
using Grassroots.Storage;

namespace Grassroots.Silo.Telemetry;

/// <summary>
/// Around every request: counts the /api requests refused, by reason, and puts the branch the request is about into the
/// log scope (ASP.NET Core's scope already carries the trace id). <see cref="RequestIds"/> hands both to the grain calls
/// the request makes.
/// </summary>
public sealed class RequestTelemetry(RequestDelegate next, ILogger<RequestTelemetry> logger)
{
    private static readonly Counter<long> Rejected = GrassrootsTelemetry.Meter.CreateCounter<long>(
        "grassroots.requests.rejected", "{request}", "API requests answered with a refusal (4xx) or 503, by reason");

    public async Task InvokeAsync(HttpContext context)
    {
        var branch = context.GetRouteValue("branchId") as string;
        using (branch is null ? null : logger.BeginScope("branch {BranchId}", branch))
            await next(context);
        if (ReasonFor(context.Response.StatusCode) is { } reason && context.Request.Path.StartsWithSegments("/api"))
            Rejected.Add(1, new("reason", reason), new("http.response.status_code", context.Response.StatusCode));
    }

    /// <summary>What a refusal was for; null for answers that are not refusals.</summary>
    public static string? ReasonFor(int status) => status switch
    {
        400 => "invalid",
        401 => "unauthenticated",
        403 => "forbidden",
        404 => "not-found",
        405 => "method-not-allowed",
        409 => "conflict",
        413 => "too-large",
        414 => "uri-too-long",
        415 => "unsupported-media-type",
        503 => "unavailable",
        >= 400 and < 500 => "other",
        _ => null,
    };
}
