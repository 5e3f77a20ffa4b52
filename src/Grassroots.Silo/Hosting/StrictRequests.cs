using System.Text;
using Grassroots.Domain;
using Grassroots.Silo.Apis;

namespace Grassroots.Silo.Hosting;

/// <summary>
/// What the framework would let through on the way to an endpoint but the API does not mean, refused before routing with
/// problem details: a method not written in capitals (methods are case-sensitive, RFC 9110 §9.1; routing matches them
/// case-insensitively, so "put" would be run as PUT) → 501; an /api path with a trailing slash (routing drops it, so
/// ".../study-sessions/x/" would store x) → 404; a query parameter given twice (binding joins them: "a,b") and a query
/// value whose percent-escapes are not UTF-8 (decoding leaves them as they are: "%C0%AF" would be stored) → 400 naming it.
/// A blank query value is dropped, so that it counts as absent.
/// </summary>
public sealed class StrictRequests(RequestDelegate next)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (request.Method.Any(char.IsLower))
            return ApiProblems.RefuseAsync(context, StatusCodes.Status501NotImplemented, new(MessageKeys.Status501),
                new(MessageKeys.MethodCase, request.Method, request.Method.ToUpperInvariant()));
        if (!request.Path.StartsWithSegments("/api")) return next(context);
        if (request.Path.Value!.EndsWith('/'))
            return ApiProblems.RefuseAsync(context, StatusCodes.Status404NotFound, new(MessageKeys.Status404));
        if (request.Query.FirstOrDefault(q => q.Value.Count > 1).Key is { } repeated)
            return InvalidAsync(context, repeated, new(MessageKeys.QueryOnce));
        if (BadlyEncoded(request.QueryString.Value) is { } badly)
            return InvalidAsync(context, badly, new(MessageKeys.Utf8Query));
        // A blank value, as an HTML form sends for "any", is no value: the endpoint sees the parameter as absent.
        if (request.Query.Any(q => string.IsNullOrEmpty(q.Value)))
            request.QueryString = QueryString.Create(request.Query.Where(q => !string.IsNullOrEmpty(q.Value)));
        return next(context);
    }

    /// <summary>The name of the first query parameter whose name or value does not decode to UTF-8; null when all do.</summary>
    private static string? BadlyEncoded(string? query)
    {
        if (string.IsNullOrEmpty(query)) return null;
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = pair.Split('=', 2)[0];
            if (!DecodesStrictly(pair)) return DecodesStrictly(name) ? Uri.UnescapeDataString(name) : name;
        }
        return null;
    }

    private static bool DecodesStrictly(string escaped)
    {
        var bytes = new List<byte>(escaped.Length);
        for (var i = 0; i < escaped.Length; i++)
        {
            if (escaped[i] == '%' && i + 2 < escaped.Length && Uri.IsHexDigit(escaped[i + 1]) && Uri.IsHexDigit(escaped[i + 2]))
            {
                bytes.Add(Convert.ToByte(escaped.Substring(i + 1, 2), 16));
                i += 2;
            }
            else bytes.AddRange(Encoding.UTF8.GetBytes(escaped[i].ToString()));
        }
        try
        {
            StrictUtf8.GetString([.. bytes]);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static Task InvalidAsync(HttpContext context, string field, Message message)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return FieldChecks.Invalid(field, message).ExecuteAsync(context);
    }
}
