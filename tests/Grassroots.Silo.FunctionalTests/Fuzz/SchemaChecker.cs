using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Grassroots.Silo.Apis;

namespace Grassroots.Silo.FunctionalTests.Fuzz;

/// <summary>
/// Checks a JSON value against a schema of the OpenAPI document, for the subset of JSON Schema the document uses:
/// $ref, type (one or a list, "null" included), properties, required, additionalProperties, items, min/maxItems, enum,
/// pattern (ECMA-262: '$' is the end of the input), min/maxLength in characters, minimum, maximum, oneOf, anyOf, allOf
/// and the formats date, date-time, int32, int64 and uri. Anything else a schema says is not checked.
/// </summary>
public sealed class SchemaChecker(JsonElement document)
{
    private static readonly ConcurrentDictionary<string, Regex> Patterns = new();

    /// <summary>Every way <paramref name="value"/> breaks <paramref name="schema"/>, as "path: problem"; empty when it conforms.</summary>
    public List<string> Check(JsonElement value, JsonElement schema, string path = "$")
    {
        var problems = new List<string>();
        Check(value, schema, path, problems);
        return problems;
    }

    public JsonElement Resolve(JsonElement schema)
    {
        while (schema.TryGetProperty("$ref", out var reference))
        {
            var name = reference.GetString()!["#/components/schemas/".Length..];
            schema = document.GetProperty("components").GetProperty("schemas").GetProperty(name);
        }
        return schema;
    }

    private void Check(JsonElement value, JsonElement schema, string path, List<string> problems)
    {
        schema = Resolve(schema);
        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            var matches = oneOf.EnumerateArray().Count(s => Check(value, s, path).Count == 0);
            if (matches != 1) problems.Add($"{path}: matches {matches} of oneOf");
        }
        if (schema.TryGetProperty("anyOf", out var anyOf) && !anyOf.EnumerateArray().Any(s => Check(value, s, path).Count == 0))
            problems.Add($"{path}: matches none of anyOf");
        if (schema.TryGetProperty("allOf", out var allOf))
            foreach (var s in allOf.EnumerateArray()) Check(value, s, path, problems);

        if (schema.TryGetProperty("type", out var type) && !Types(type).Contains(TypeOf(value)) && !(TypeOf(value) == "integer" && Types(type).Contains("number")))
        {
            problems.Add($"{path}: is {TypeOf(value)}, not {string.Join("|", Types(type))}");
            return;
        }
        if (schema.TryGetProperty("enum", out var values) && !values.EnumerateArray().Any(e => JsonElement.DeepEquals(e, value)))
            problems.Add($"{path}: {value.GetRawText()} is not in the enum");

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                CheckObject(value, schema, path, problems);
                break;
            case JsonValueKind.Array:
                var items = value.EnumerateArray().ToList();
                if (schema.TryGetProperty("minItems", out var minItems) && items.Count < minItems.GetInt32()) problems.Add($"{path}: fewer than {minItems} items");
                if (schema.TryGetProperty("maxItems", out var maxItems) && items.Count > maxItems.GetInt32()) problems.Add($"{path}: more than {maxItems} items");
                if (schema.TryGetProperty("items", out var itemSchema))
                    for (var i = 0; i < items.Count; i++) Check(items[i], itemSchema, $"{path}[{i}]", problems);
                break;
            case JsonValueKind.String:
                CheckString(value.GetString()!, schema, path, problems);
                break;
            case JsonValueKind.Number:
                CheckNumber(value, schema, path, problems);
                break;
        }
    }

    private void CheckObject(JsonElement value, JsonElement schema, string path, List<string> problems)
    {
        if (schema.TryGetProperty("required", out var required))
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
                if (!value.TryGetProperty(name, out _)) problems.Add($"{path}: lacks required '{name}'");
        schema.TryGetProperty("properties", out var properties);
        foreach (var property in value.EnumerateObject())
        {
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
                Check(property.Value, propertySchema, $"{path}.{property.Name}", problems);
            else if (schema.TryGetProperty("additionalProperties", out var additional))
            {
                if (additional.ValueKind == JsonValueKind.False) problems.Add($"{path}: '{property.Name}' is not allowed");
                else if (additional.ValueKind == JsonValueKind.Object) Check(property.Value, additional, $"{path}.{property.Name}", problems);
            }
        }
    }

    private static void CheckString(string text, JsonElement schema, string path, List<string> problems)
    {
        var length = TextPolicy.Length(text);
        if (schema.TryGetProperty("minLength", out var min) && length < min.GetInt32()) problems.Add($"{path}: shorter than {min}");
        if (schema.TryGetProperty("maxLength", out var max) && length > max.GetInt32()) problems.Add($"{path}: longer than {max}");
        if (schema.TryGetProperty("pattern", out var pattern) && !Ecma(pattern.GetString()!).IsMatch(text))
            problems.Add($"{path}: \"{Printable(text)}\" does not match {pattern.GetString()}");
        if (schema.TryGetProperty("format", out var format))
        {
            var ok = format.GetString() switch
            {
                "date" => DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
                "date-time" => DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _) && text.Contains('T'),
                "uri" => Uri.TryCreate(text, UriKind.Absolute, out _),
                _ => true,
            };
            if (!ok) problems.Add($"{path}: \"{Printable(text)}\" is not a {format.GetString()}");
        }
    }

    private static void CheckNumber(JsonElement value, JsonElement schema, string path, List<string> problems)
    {
        var number = value.GetDouble();
        if (schema.TryGetProperty("minimum", out var min) && number < min.GetDouble()) problems.Add($"{path}: {number} is below {min}");
        if (schema.TryGetProperty("maximum", out var max) && number > max.GetDouble()) problems.Add($"{path}: {number} is above {max}");
        if (schema.TryGetProperty("format", out var format) && format.GetString() is "int32" && !value.TryGetInt32(out _))
            problems.Add($"{path}: {value.GetRawText()} is not an int32");
        if (schema.TryGetProperty("format", out format) && format.GetString() is "int64" && !value.TryGetInt64(out _))
            problems.Add($"{path}: {value.GetRawText()} is not an int64");
    }

    /// <summary>An ECMA-262 pattern as .NET runs it: '$' at the end means the end of the input, not before a final newline.</summary>
    public static Regex Ecma(string pattern) => Patterns.GetOrAdd(pattern, p =>
        new Regex(p.EndsWith('$') && !p.EndsWith("\\$", StringComparison.Ordinal) ? p[..^1] + @"\z" : p, RegexOptions.CultureInvariant));

    private static string[] Types(JsonElement type) =>
        type.ValueKind == JsonValueKind.Array ? [.. type.EnumerateArray().Select(t => t.GetString()!)] : [type.GetString()!];

    private static string TypeOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => value.TryGetInt64(out _) ? "integer" : "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    public static string Printable(string s) =>
        string.Concat(s.Take(80).Select(c => c is >= ' ' and <= '~' || (c > 0xA0 && !char.IsSurrogate(c)) ? c.ToString() : $"\\u{(int)c:X4}"));
}
