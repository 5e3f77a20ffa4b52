using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Grassroots.Silo.OpenApi;

/// <summary>
/// The OpenAPI document at /openapi/v1.json, made from the endpoints and the DataAnnotations of their fields (never
/// written by hand), and the API reference page at /reference that reads it. Linted with Redocly's recommended rules in CI.
/// </summary>
public static class ApiDocument
{
    public const string BearerScheme = "bearer", ReferencePath = "/reference";

    /// <summary>What each tag is about, in the order a reader meets them.</summary>
    private static readonly (string Name, string Description)[] Tags =
    [
        ("Health", "Whether a silo is up, and whether it is ready for traffic (for load balancers and orchestrators)."),
        ("Regions", "The GB/T 2260 region tree: CN, provinces, cities, counties."),
        ("Campaigns", "Study and publicity campaigns (学习宣传贯彻活动): the period every record is logged against."),
        ("Branches", "Union branches (基层工会), registered under a county, and their records."),
        ("Honorees", "Model workers, advanced workers and craftsmen (劳模) who give talks."),
        ("Study sessions", "Study sessions, symposiums and lectures a branch holds, with attendance."),
        ("Honoree talks", "Talks by honorees (劳模宣讲) a branch hosts, with audience and online views."),
        ("Publicity", "Publicity items (宣传报道) a branch publishes, with their reach."),
        ("Rollups", "Live figures of a region and its children, and over time."),
        ("Reports", "Tables headquarters forwards: provinces, branches that have not reported, the honoree leaderboard."),
        ("Imports", "Bulk imports of branches and records from JSON or CSV."),
        ("Keys", "API keys: who may do what, where."),
    ];

    public static IServiceCollection AddGrassrootsOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Grassroots API";
            document.Info.Version = "v1";
            document.Info.Description =
                "Branches log study sessions, honoree talks, publicity items and labour and skills competitions; headquarters and provinces read live rollups. " +
                "Every /api request carries `Authorization: Bearer <api key>`. Errors are RFC 9457 problem details " +
                "(`application/problem+json`); a 400 names each bad field under `errors`, in Chinese when the request sends " +
                "`Accept-Language: zh-CN`. Text fields refuse control characters (multi-line fields allow tab and line breaks), " +
                "Unicode noncharacters and bidirectional controls; lengths count characters. " +
                "JSON is strict: a field sent twice is refused, numbers are JSON numbers. A query parameter is given once.";
            // Not an open licence: SPDX has no identifier for "all rights reserved", so a LicenseRef of our own (an OpenAPI
            // 3.1 licence names an identifier or a URL; Redocly's recommended rules ask for one).
            document.Info.License = new OpenApiLicense { Name = "Proprietary: all rights reserved (UNLICENSED)", Identifier = "LicenseRef-Proprietary" };
            // Relative to wherever the document was fetched: a server URL made from the request's Host header would let
            // any client write the address readers of the document are sent to.
            document.Servers = [new OpenApiServer { Url = "/", Description = "The service that served this document." }];
            document.Tags = new HashSet<OpenApiTag>([.. Tags.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description })]);
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
        options.AddSchemaTransformer(SchemaRules.TransformAsync);
        options.AddDocumentTransformer(SchemaRules.DropNullFromRequiredObjectsAsync);
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
