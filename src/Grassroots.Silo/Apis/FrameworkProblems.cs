using System.Text.RegularExpressions;
using Grassroots.Domain;
using Microsoft.AspNetCore.WebUtilities;

namespace Grassroots.Silo.Apis;

/// <summary>
/// Every problem details answer passes here (ProblemDetailsOptions.CustomizeProblemDetails) and what the framework wrote
/// itself is put as the service puts its own: fields named as a client names them, and the framework's titles (its
/// validation's, and the status code pages' 401, 403, 404, 405) said from the message catalog in the request's language.
/// What the service says itself needs nothing here: it is a <see cref="Message"/>, said in the request's language
/// (Accept-Language: zh-CN, as the dashboard and the branch page send, chosen by the request localization middleware)
/// where the problem is answered.
/// </summary>
public static partial class FrameworkProblems
{
    /// <summary>The catalog's words for the framework's titles, which are the statuses' reason phrases.</summary>
    private static readonly Dictionary<int, Message> StatusTitles = new()
    {
        [StatusCodes.Status401Unauthorized] = new(MessageKeys.Status401),
        [StatusCodes.Status403Forbidden] = new(MessageKeys.Status403),
        [StatusCodes.Status404NotFound] = new(MessageKeys.Status404),
        [StatusCodes.Status405MethodNotAllowed] = new(MessageKeys.Status405),
        [StatusCodes.Status501NotImplemented] = new(MessageKeys.Status501),
    };

    /// <summary>The title the framework's validation gives its problems.</summary>
    private static readonly string ValidationTitle = new HttpValidationProblemDetails().Title!;

    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        // The framework's validation names fields by their C# members ("Attendees.Total"); what a client sent ("Name" in a
        // JSON body, reported with the exception that found it) or a header (Content-Type) is named as it was sent.
        if (problem is HttpValidationProblemDetails validation && context.Exception is null)
        {
            var fields = validation.Errors.GroupBy(e => CSharpPath().IsMatch(e.Key) ? FieldChecks.FieldName(e.Key) : e.Key).ToDictionary(g => g.Key, g => g.SelectMany(e => e.Value).ToArray());
            validation.Errors.Clear();
            foreach (var (field, messages) in fields) validation.Errors[field] = messages;
        }
        if (problem is HttpValidationProblemDetails && (problem.Title is null || problem.Title == ValidationTitle))
            problem.Title = FieldChecks.Title.InCurrentCulture();
        else if (problem.Status is { } status && StatusTitles.TryGetValue(status, out var title) && problem.Title == ReasonPhrases.GetReasonPhrase(status))
            problem.Title = title.InCurrentCulture();
    }

    /// <summary>A member path as the framework's validation writes it: Attendees.Total, HonoreeIds[1].</summary>
    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?(\.[A-Za-z_][A-Za-z0-9_]*(\[\d+\])?)*$")]
    private static partial Regex CSharpPath();
}
