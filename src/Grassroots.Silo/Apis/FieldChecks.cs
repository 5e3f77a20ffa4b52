using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Grassroots.Domain;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Validation;

namespace Grassroots.Silo.Apis;

/// <summary>
/// What the framework's validation (AddValidation) leaves to the service: the name a client gives a field, a required
/// JSON body, the field rules of a value that is not a request (an import row, a command's key request) and the 400 of
/// a check an endpoint makes itself (a campaign that must exist).
/// </summary>
public static class FieldChecks
{
    public static readonly Message Title = new(MessageKeys.InvalidRequest), MissingBody = new(MessageKeys.MissingBody);

    /// <summary>A 400 naming one field, said in the request's language.</summary>
    public static ValidationProblem Invalid(string field, Message message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message.InCurrentCulture()] }, title: Title.InCurrentCulture());

    /// <summary>The framework names fields as C# does ("Attendees.Total", "HonoreeIds[1]"); a client as JSON does ("attendees.total").</summary>
    public static string FieldName(string path) => string.Join('.', path.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));

    /// <summary>
    /// Every field rule of <paramref name="value"/>, as a request of its type would be checked, fields named as a client
    /// names them, said in English: what is checked here (an import row, a command's request) is kept or printed, not
    /// answered in the language of a request (an import's conflicts are English, whoever asks).
    /// </summary>
    public static async Task<IReadOnlyList<(string Field, string Message)>> ValidateAsync(object value, IServiceProvider services)
    {
        // Only for this call and what it awaits: an async method's change of culture does not reach its caller.
        CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
        return [.. (await FieldRules.ProblemsAsync([value], services)).SelectMany(e => e.Value.Select(m => (e.Key, m)))];
    }

    /// <summary>
    /// The endpoint filter factory for <see cref="BodyAttribute"/>: an empty or <c>null</c> body is answered "body: A JSON
    /// object is required." (validation skips what is null, and the framework's own message names .NET parameters).
    /// </summary>
    public static EndpointFilterDelegate RequireBody(EndpointFilterFactoryContext context, EndpointFilterDelegate next)
    {
        var bodies = context.MethodInfo.GetParameters().Select((p, i) => (p, i)).Where(x => x.p.IsDefined(typeof(BodyAttribute))).Select(x => x.i).ToArray();
        if (bodies.Length == 0) return next;
        return invocation => bodies.Any(i => invocation.Arguments[i] is null)
            ? ValueTask.FromResult<object?>(Invalid("body", MissingBody))
            : next(invocation);
    }
}

/// <summary>The JSON body of an endpoint; empty or <c>null</c> reaches <see cref="FieldChecks.RequireBody"/> rather than the framework's message.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class BodyAttribute : Attribute, Microsoft.AspNetCore.Http.Metadata.IFromBodyMetadata
{
    public bool AllowEmpty => true;
}
