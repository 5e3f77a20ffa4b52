using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using Grassroots.Silo.Apis;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Grassroots.Silo.OpenApi;

/// <summary>
/// Request bodies as the service checks them, from the same <see cref="FieldRuleAttribute"/>s the validator applies:
/// required fields are listed and never null, optional ones may be left out or sent as null, and each field carries
/// its pattern, lengths, enum or range.
/// </summary>
internal static class FieldRuleSchemas
{
    public static Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (FieldValidation.RulesOf(type) is { Length: > 0 } rules)
        {
            schema.Required = new HashSet<string>(rules.Where(r => r.Rule.Required).Select(r => r.Name), StringComparer.Ordinal);
        }
        if (context.JsonPropertyInfo?.AttributeProvider is PropertyInfo property && property.GetCustomAttribute<FieldRuleAttribute>() is { } rule)
        {
            if (rule is NestedAttribute)
            {
                if (rule.Required && schema.Type is { } t) schema.Type = t & ~JsonSchemaType.Null;
            }
            else Describe(schema, rule.Shape, nullable: !rule.Required);
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// A required nested object is never null, but the generator offers null for it (oneOf null or the object) once
    /// schemas become references, after the schema transformers: settled here, on the finished document.
    /// </summary>
    public static Task DropNullFromRequiredObjectsAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var type in typeof(FieldValidation).Assembly.GetTypes())
        {
            if (document.Components?.Schemas is not { } schemas || !schemas.TryGetValue(type.Name, out var schema)
                || schema is not OpenApiSchema { Properties: { } properties }) continue;
            foreach (var (_, name, _) in FieldValidation.RulesOf(type).Where(r => r.Rule is NestedAttribute { Required: true }))
                if (properties.TryGetValue(name, out var property) && property is OpenApiSchema { OneOf: { Count: 2 } choices }
                    && choices.FirstOrDefault(c => c is not OpenApiSchema { Type: JsonSchemaType.Null }) is { } only)
                    properties[name] = only;
        }
        return Task.CompletedTask;
    }

    /// <summary>Writes <paramref name="shape"/> onto <paramref name="schema"/>; a nullable one also accepts JSON null.</summary>
    public static void Describe(OpenApiSchema schema, FieldShape shape, bool nullable)
    {
        schema.Type = TypeOf(shape.Type) | (nullable ? JsonSchemaType.Null : 0);
        schema.Format = shape.Format ?? (shape.Type == "string" ? null : schema.Format);
        schema.Pattern = shape.Pattern;
        schema.MinLength = shape.MinLength;
        schema.MaxLength = shape.MaxLength;
        schema.Minimum = shape.Minimum?.ToString(CultureInfo.InvariantCulture);
        schema.Maximum = shape.Maximum?.ToString(CultureInfo.InvariantCulture);
        schema.MinItems = shape.MinItems;
        schema.MaxItems = shape.MaxItems;
        if (shape.Description is not null) schema.Description = shape.Description;
        if (shape.NotAbove is not null)
            (schema.Extensions ??= new Dictionary<string, IOpenApiExtension>())["x-not-above"] = new JsonNodeExtension(JsonValue.Create(shape.NotAbove));
        if (shape.Enum is not null)
            schema.Enum = [.. shape.Enum.Select(v => (JsonNode)JsonValue.Create(v)), .. nullable ? new JsonNode[] { null! } : []];
        if (shape.Items is not null)
        {
            var items = new OpenApiSchema();
            Describe(items, shape.Items, nullable: false);
            schema.Items = items;
        }
    }

    private static JsonSchemaType TypeOf(string type) => type switch
    {
        "integer" => JsonSchemaType.Integer,
        "boolean" => JsonSchemaType.Boolean,
        "array" => JsonSchemaType.Array,
        "object" => JsonSchemaType.Object,
        _ => JsonSchemaType.String,
    };
}
