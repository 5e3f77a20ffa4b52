using Grassroots.Domain;
using Grassroots.Silo.Apis;
using Microsoft.AspNetCore.Http.Features;

namespace Grassroots.Silo.Hosting;

/// <summary>
/// Limits every request before anything else reads it, each answered with problem details: the URL (path and query as
/// sent) to 8 KiB (414), request bodies to 1 MiB, 16 MiB for imports (413). Enforced here rather than only by the
/// server so the limits hold behind any server, with a problem-details answer instead of an empty one or a dropped
/// connection. (What Kestrel refuses before any middleware runs, such as %00 in a path, is in the README.)
/// </summary>
public sealed class RequestLimits(RequestDelegate next)
{
    public const long DefaultLimit = 1 << 20;
    public const long ImportLimit = 16 << 20;
    public const int MaxUrlLength = 8 << 10;

    /// <summary>
    /// Kestrel's own limit on the request line, set well above <see cref="MaxUrlLength"/> so that a long URL reaches
    /// this middleware and is answered 414 with problem details; only a request line over this gets Kestrel's empty 414.
    /// </summary>
    public const int ServerRequestLineLimit = 128 << 10;

    public async Task InvokeAsync(HttpContext context)
    {
        // As sent where the server keeps it (Kestrel), else as decoded (test host): either way one length to compare.
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw
            ? raw
            : context.Request.PathBase.Value + context.Request.Path.Value + context.Request.QueryString.Value;
        if (target.Length > MaxUrlLength)
        {
            await ApiProblems.RefuseAsync(context, StatusCodes.Status414UriTooLong, new(MessageKeys.UrlTooLong),
                new(MessageKeys.UrlLimit, MaxUrlLength / 1024, target.Length / 1024));
            return;
        }
        var limit = context.Request.Path.StartsWithSegments("/api/imports") ? ImportLimit : DefaultLimit;
        if (context.Request.ContentLength > limit)
        {
            await ApiProblems.RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, new(MessageKeys.BodyTooLarge),
                new(MessageKeys.BodyLimit, limit / (1 << 20)));
            return;
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
            feature.MaxRequestBodySize = limit;
        if (context.Request.ContentLength is null && context.Request.Body.CanRead)
            context.Request.Body = new LimitedStream(context.Request.Body, limit);
        await next(context);
    }
}
