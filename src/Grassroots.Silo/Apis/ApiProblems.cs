using System.Text.Json;
using Grassroots.Domain;
using Grassroots.Domain.SignOff;
using Grassroots.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;

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
            FieldValidationException e => (400, FieldChecks.Title, new Dictionary<string, Message> { [e.Field] = e.Reason }),
            BadHttpRequestException { InnerException: JsonException json } => (400, new Message(MessageKeys.JsonInvalid),
                new Dictionary<string, Message> { [FieldOf(json.Path)] = Explain(json) }),
            // The framework's own messages name .NET parameters; say what a client can act on.
            BadHttpRequestException { StatusCode: 413 } => (413, new Message(MessageKeys.BodyTooLarge), null),
            BadHttpRequestException { StatusCode: 415 } => (415, new Message(MessageKeys.JsonOnly), null),
            BadHttpRequestException bad => (bad.StatusCode, new Message(MessageKeys.Malformed),
                new Dictionary<string, Message> { ["body"] = new(MessageKeys.Unreadable) }),
            NotFoundException e => (404, e.Reason, null),
            DomainException e when e is PeriodLockedException or StateConflictException or WriteConflictException => (409, e.Reason, null),
            WriteRefusedException e => (400, new Message(MessageKeys.DatabaseRefused), new Dictionary<string, Message> { ["body"] = e.Reason }),
            // OrleansMessageRejectionException: a grain's silo cannot be reached (it died and the cluster has not yet
            // declared it dead); its grains come back on the survivors within the failover time.
            ServiceUnavailableException or SiloUnavailableException or OrleansMessageRejectionException or TimeoutException =>
                (503, new Message(MessageKeys.ServiceUnavailable), null),
            _ when StorageFailures.IsUnavailable(exception) => (503, new Message(MessageKeys.DatabaseUnavailable), null),
            _ => (500, new Message(MessageKeys.Unexpected), null),
        };
        if (status == 500) logger.LogError(exception, "Unhandled error on {Path}", context.Request.Path);
        // A refusal the client retries, logged in the request's scope (trace, span, branch): what an operator follows
        // from a 503's traceId to its cause, whether it met the outage in a grain call or in the endpoint itself.
        if (status == 503) logger.LogInformation(exception, "{Method} {Path} answered 503: {Message}", context.Request.Method, context.Request.Path, exception.Message);
        if (status == 503) context.Response.Headers.RetryAfter = "5";
        context.Response.StatusCode = status;
        // Said in the language the request asked for (the request localization middleware set the UI culture).
        var details = errors is null
            ? new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title.InCurrentCulture() }
            : new Microsoft.AspNetCore.Http.HttpValidationProblemDetails(errors.ToDictionary(e => e.Key, e => new[] { e.Value.InCurrentCulture() }))
            {
                Status = status, Title = title.InCurrentCulture(),
            };
        if (exception is PeriodLockedException locked) PeriodLockProblem.Describe(details, locked, context.RequestServices);
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details, Exception = exception });
    }

    /// <summary>A problem without fields, said in the request's language.</summary>
    public static ProblemHttpResult Problem(int status, Message title, Message? detail = null) =>
        TypedResults.Problem(statusCode: status, title: title.InCurrentCulture(), detail: detail?.InCurrentCulture());

    /// <summary>A middleware's refusal, said in the request's language.</summary>
    public static Task RefuseAsync(HttpContext context, int status, Message title, Message? detail = null)
    {
        context.Response.StatusCode = status;
        return Problem(status, title, detail).ExecuteAsync(context);
    }

    /// <summary>The serializer's own message names .NET types; say what a client can act on, and where.</summary>
    private static Message Explain(JsonException json)
    {
        var where = new Message(MessageKeys.JsonWhere, (json.LineNumber ?? 0) + 1, json.BytePositionInLine ?? 0);
        // Strict JSON (AllowDuplicateProperties = false): the serializer's message is the only sign of which rule broke.
        return new Message(json.Message.StartsWith("Duplicate", StringComparison.Ordinal) ? MessageKeys.JsonDuplicate : MessageKeys.JsonBadValue, where);
    }

    /// <summary>"$.attendees.total" → "attendees.total"; the body itself when the path is unknown.</summary>
    private static string FieldOf(string? path) => path is null or "$" ? "body" : path.TrimStart('$', '.');
}
