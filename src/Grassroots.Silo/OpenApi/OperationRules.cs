using System.Globalization;
using System.Reflection;
using Grassroots.Silo.Apis;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Grassroots.Silo.OpenApi;

/// <summary>
/// Each operation as the service really answers it: its path and query parameters with their field rules, a required
/// body, the bearer key where one is needed (and none where none is), and every status it can give, each error with
/// its problem-details schema.
/// </summary>
internal static class OperationRules
{
    public static Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var description = context.Description;
        var parameters = description.ParameterDescriptions
            .Select(p => (p.Name, p.Source, Info: (p.ParameterDescriptor as IParameterInfoParameterDescriptor)?.ParameterInfo))
            .ToList();
        foreach (var parameter in operation.Parameters?.OfType<OpenApiParameter>() ?? [])
        {
            if (parameters.FirstOrDefault(p => p.Name == parameter.Name).Info is not { } info || parameter.Schema is not OpenApiSchema schema) continue;
            SchemaRules.Describe(schema, info.GetCustomAttributes());
            parameter.Required |= parameter.In == ParameterLocation.Path;
            parameter.Description ??= schema.Description;
        }
        var hasBody = parameters.Any(p => p.Info?.IsDefined(typeof(BodyAttribute)) == true);
        if (hasBody && operation.RequestBody is OpenApiRequestBody body) body.Required = true;

        var secured = description.ActionDescriptor.EndpointMetadata.OfType<IAuthorizeData>().Any();
        operation.Security = secured
            ? [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiDocument.BearerScheme, context.Document)] = [] }]
            : [];

        operation.Responses ??= [];
        // A rule that can refuse (not a path region code, which is looked up and answers 404) means a possible 400.
        var validated = hasBody || parameters.Any(p => p.Info?.GetCustomAttributes<System.ComponentModel.DataAnnotations.ValidationAttribute>()
            .Any(rule => rule is not RegionCodeAttribute { National: true }) == true);
        var hasPathIds = parameters.Any(p => p.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Path);
        foreach (var status in Answers(description.HttpMethod ?? "GET", secured, hasBody, validated, hasPathIds))
            operation.Responses.TryAdd(status.ToString(CultureInfo.InvariantCulture), new OpenApiResponse());
        foreach (var (code, response) in operation.Responses)
        {
            if (code[0] is not ('4' or '5') || response is not OpenApiResponse answer) continue;
            answer.Description = Reason(code);
            answer.Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new()
                {
                    Schema = new OpenApiSchemaReference(code == "400" ? "HttpValidationProblemDetails" : "ProblemDetails", context.Document),
                },
            };
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// What any operation of this kind can answer besides its own results: 400 where a field rule can refuse, 414 for
    /// a URL over 8 KiB, 503 when the database is away (keys are checked there); 401/403 where a key is needed; 404 for
    /// an unknown id in the path of a read or void; 409 for a write that meets a voided record or keeps losing a race;
    /// 413 and 415 for a body too large or not JSON.
    /// </summary>
    private static IEnumerable<int> Answers(string method, bool secured, bool hasBody, bool validated, bool hasPathIds)
    {
        if (validated) yield return 400;
        yield return 414;
        if (!secured) yield break;
        yield return 401;
        yield return 403;
        yield return 503;
        if (hasPathIds && method is "GET" or "DELETE") yield return 404;
        if (method is "PUT" or "DELETE") yield return 409;
        if (hasBody)
        {
            yield return 413;
            yield return 415;
        }
    }

    private static string Reason(string code) => code switch
    {
        "400" => "The request is malformed or invalid; `errors` names each field. Nothing was stored.",
        "401" => "No API key, or an unknown or revoked one.",
        "403" => "Outside the scope of the API key.",
        "404" => "No such id.",
        "409" => "The record was voided and cannot be changed, or a concurrent change kept winning; nothing was stored.",
        "413" => "The request body is over its limit: 1 MiB, 16 MiB for imports.",
        "414" => "The URL (path and query) is over 8 KiB.",
        "415" => "The request body is not of a type the operation takes: JSON (application/json); for imports also CSV (text/csv).",
        "503" => "Not ready, or the database is unavailable; nothing was stored. Retry after the Retry-After seconds.",
        _ => "An error, as problem details.",
    };
}
