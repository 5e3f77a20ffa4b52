using System.Text.Json;
using Grassroots.Domain;
using Grassroots.Domain.Approvals;

using Grassroots.Storage;
using Microsoft.AspNetCore.Diagnostics;

namespace Grassroots.Silo.Apis;

/// <summary>
/// Maps what the domain and storage throw to RFC 9457 problem details: a named field for bad input (400),
/// 404, 409 for voided records and lost races, 503 with Retry-After when the database or a silo is away. Never 500
/// for bad input.
/// </summary>
public sealed class ApiProblems(IProblemDetailsService problems, ILogger<ApiProblems> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, errors) = exception switch
        {
            FieldValidationException e => (400, "The request is invalid.", new Dictionary<string, string[]> { [e.Field] = [e.Message] }),
            BadHttpRequestException { InnerException: JsonException json } => (400, "The request body is not valid JSON for this resource.",
                new Dictionary<string, string[]> { [FieldOf(json.Path)] = [Explain(json)] }),
            // The framework's own messages name .NET parameters; say what a client can act on.
            BadHttpRequestException { StatusCode: 413 } => (413, "The request body is too large.", null),
            BadHttpRequestException { StatusCode: 415 } => (415, "The request body must be JSON (Content-Type: application/json).", null),
            BadHttpRequestException bad => (bad.StatusCode, "The request is malformed.",
                new Dictionary<string, string[]> { ["body"] = ["The request could not be read as this resource's JSON."] }),
            NotFoundException => (404, exception.Message, null),
            PeriodLockedException => (409, exception.Message, null),
            StateConflictException or WriteConflictException => (409, exception.Message, null),
            WriteRefusedException => (400, "The database refused this data.", new Dictionary<string, string[]> { ["body"] = [exception.Message] }),
            // OrleansMessageRejectionException: a grain's silo cannot be reached (it died and the cluster has not yet
            // declared it dead); its grains come back on the survivors within the failover time.
            ServiceUnavailableException or SiloUnavailableException or OrleansMessageRejectionException or TimeoutException =>
                (503, "The service is unavailable; nothing was stored. Try again shortly.", null),
            _ when StorageFailures.IsUnavailable(exception) => (503, "The database is unavailable; nothing was stored. Try again shortly.", null),
            _ => (500, "An unexpected error occurred.", null),
        };
        if (status == 500) logger.LogError(exception, "Unhandled error on {Path}", context.Request.Path);
        // A refusal the client retries, logged in the request's scope (trace, span, branch): what an operator follows
        // from a 503's traceId to its cause, whether it met the outage in a grain call or in the endpoint itself.
        if (status == 503) logger.LogInformation(exception, "{Method} {Path} answered 503: {Message}", context.Request.Method, context.Request.Path, exception.Message);
        if (status == 503) context.Response.Headers.RetryAfter = "5";
        context.Response.StatusCode = status;
        var details = errors is null
            ? new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title }
            : new Microsoft.AspNetCore.Http.HttpValidationProblemDetails(errors) { Status = status, Title = title };
        if (exception is PeriodLockedException locked) PeriodLockProblem.Describe(details, locked, context.RequestServices);
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details, Exception = exception });
    }

    /// <summary>The serializer's own message names .NET types; say what a client can act on, and where.</summary>
    private static string Explain(JsonException json)
    {
        var where = $"(line {(json.LineNumber ?? 0) + 1}, byte {json.BytePositionInLine ?? 0})";
        // Strict JSON (AllowDuplicateProperties = false): the serializer's message is the only sign of which rule broke.
        return json.Message.StartsWith("Duplicate", StringComparison.Ordinal)
            ? $"Appears more than once; send each field once {where}."
            : $"Not a valid value for this field, or not valid JSON here {where}.";
    }

    /// <summary>"$.attendees.total" → "attendees.total"; the body itself when the path is unknown.</summary>
    private static string FieldOf(string? path) => path is null or "$" ? "body" : path.TrimStart('$', '.');
}
