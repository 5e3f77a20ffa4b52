using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Grassroots.Silo.OpenApi;

/// <summary>
/// The OpenAPI document at /openapi/v1.json, made from the endpoints and their field rules (never written by hand),
/// and the API reference page at /reference that reads it.
/// </summary>
public static class ApiDocument
{
    public const string BearerScheme = "bearer", ReferencePath = "/reference";

    public static IServiceCollection AddGrassrootsOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Grassroots API";
            document.Info.Version = "v1";
            document.Info.Description =
                "Branches log study sessions, honoree talks and publicity items; headquarters and provinces read live rollups. " +
                "Every /api request carries `Authorization: Bearer <api key>`. Errors are RFC 9457 problem details " +
                "(`application/problem+json`); a 400 names each bad field under `errors`. Text fields refuse control characters " +
                "(multi-line fields allow tab and line breaks), Unicode noncharacters and bidirectional controls; lengths count characters. " +
                "JSON is strict: a field sent twice is refused, numbers are JSON numbers.";
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "API key",
                Description = "An API key issued with POST /api/keys or `keys create`; its role and scope decide what it may do.",
            };
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer(FieldRuleSchemas.TransformAsync);
        options.AddDocumentTransformer(FieldRuleSchemas.DropNullFromRequiredObjectsAsync);
        options.AddOperationTransformer(OperationRules.TransformAsync);
    });

    /// <summary>The document, and a readable reference page over it: its script is served by the service itself, and nothing on
    /// it calls out to a third party (no CDN fonts, no telemetry, no AI agent).</summary>
    public static WebApplication MapGrassrootsOpenApi(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference(ReferencePath, options => options
            .WithTitle("Grassroots API reference")
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent() // an AI chat that would send the document to a third party
            .HideDeveloperTools()
            .AddPreferredSecuritySchemes(BearerScheme));
        return app;
    }
}
