using Grassroots.Silo.Apis;

namespace Grassroots.Silo.Hosting;

/// <summary>
/// Request bodies are limited to 1 MiB (16 MiB for imports). Enforced here rather than only by Kestrel so the
/// limit holds behind any server, with a problem-details 413 instead of a dropped connection.
/// </summary>
public sealed class RequestLimits(RequestDelegate next)
{
    public const long DefaultLimit = 1 << 20;
    public const long ImportLimit = 16 << 20;

    public async Task InvokeAsync(HttpContext context)
    {
        var limit = context.Request.Path.StartsWithSegments("/api/imports") ? ImportLimit : DefaultLimit;
        if (context.Request.ContentLength > limit)
        {
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await TypedResults.Problem(statusCode: 413, title: "The request body is too large.",
                detail: $"The limit is {limit / (1 << 20)} MiB.").ExecuteAsync(context);
            return;
        }
        if (context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            feature.MaxRequestBodySize = limit;
        if (context.Request.ContentLength is null && context.Request.Body.CanRead)
            context.Request.Body = new LimitedStream(context.Request.Body, limit);
        await next(context);
    }
}
