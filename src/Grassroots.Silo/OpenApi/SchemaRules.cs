using System.Reflection;
using System.Text.Json.Nodes;
using Grassroots.Silo.Apis;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Grassroots.Silo.OpenApi;

/// <summary>
/// Request bodies as validation checks them. The generator reads DataAnnotations (required, ranges, patterns); here each
/// <see cref="ISchemaRule"/> adds what it says (lengths in characters, enums, formats, x-not-above), and a required field
/// is never null while an optional one may be left out or sent as null.
/// </summary>
internal static class SchemaRules
{
    public static Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        // A request type's required fields are those its rules require: the generator would list every constructor parameter.
        if (context.JsonTypeInfo.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object && context.JsonTypeInfo.Properties.Any(p => Rules(p).Any()))
            schema.Required = new HashSet<string>(context.JsonTypeInfo.Properties
                .Where(p => Rules(p).Any(r => r is System.ComponentModel.DataAnnotations.RequiredAttribute)).Select(p => p.Name), StringComparer.Ordinal);
        if (context.JsonTypeInfo.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object)
            MarkNullable(schema, context.JsonTypeInfo);
        if (context.JsonPropertyInfo?.AttributeProvider is not PropertyInfo property) return Task.CompletedTask;
        if (property.IsDefined(typeof(System.ComponentModel.DataAnnotations.RequiredAttribute)) && schema.Type is { } type)
            schema.Type = type & ~JsonSchemaType.Null;
        Describe(schema, property.GetCustomAttributes());
        return Task.CompletedTask;
    }

    private static IEnumerable<System.ComponentModel.DataAnnotations.ValidationAttribute> Rules(System.Text.Json.Serialization.Metadata.JsonPropertyInfo property) =>
        property.AttributeProvider?.GetCustomAttributes(inherit: true).OfType<System.ComponentModel.DataAnnotations.ValidationAttribute>() ?? [];

    public static void Describe(OpenApiSchema schema, IEnumerable<Attribute> attributes)
    {
        foreach (var rule in attributes.OfType<ISchemaRule>()) rule.Describe(schema);
    }

    /// <summary>
    /// A required nested object is never null, but the generator offers null for it (oneOf null or the object) once
    /// schemas become references, after the schema transformers: settled here, on the finished document.
    /// </summary>
    public static Task DropNullFromRequiredObjectsAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var schema in document.Components?.Schemas?.Values.OfType<OpenApiSchema>() ?? [])
        {
            var nullable = new HashSet<string>(StringComparer.Ordinal);
            if (schema.Extensions?.Remove(NullableKey, out var marked) == true && marked is JsonNodeExtension { Node: JsonArray names })
                nullable.UnionWith(names.Select(n => n!.GetValue<string>()));
            foreach (var name in schema.Required ?? new HashSet<string>())
                if (!nullable.Contains(name) && schema.Properties?.TryGetValue(name, out var property) == true && property is OpenApiSchema { OneOf: { Count: 2 } choices }
                    && choices.FirstOrDefault(c => c is not OpenApiSchema { Type: JsonSchemaType.Null }) is { } only)
                    schema.Properties[name] = only;
        }
        return Task.CompletedTask;
    }

    private const string NullableKey = "x-grassroots-nullable";

    /// <summary>
    /// Notes on an object's schema which of its properties may be null (a nullable reference without [Required], e.g. a
    /// period's submitted figures before any submission), so that <see cref="DropNullFromRequiredObjectsAsync"/> keeps
    /// their null; the note is removed there.
    /// </summary>
    private static void MarkNullable(OpenApiSchema schema, System.Text.Json.Serialization.Metadata.JsonTypeInfo type)
    {
        var nullability = new NullabilityInfoContext();
        var names = type.Properties
            .Where(p => p.AttributeProvider is PropertyInfo info && !info.IsDefined(typeof(System.ComponentModel.DataAnnotations.RequiredAttribute))
                && nullability.Create(info).ReadState == NullabilityState.Nullable)
            .Select(p => (JsonNode)JsonValue.Create(p.Name)!)
            .ToArray();
        if (names.Length > 0) (schema.Extensions ??= new Dictionary<string, IOpenApiExtension>())[NullableKey] = new JsonNodeExtension(new JsonArray(names));
    }
}
