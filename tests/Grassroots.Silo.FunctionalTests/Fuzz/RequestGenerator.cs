using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Grassroots.Silo.Apis;

namespace Grassroots.Silo.FunctionalTests.Fuzz;

/// <summary>Who sends a request: the hq key, no key, a key the service never issued, branch b1's key, Qinghai's admin key.</summary>
public enum Caller { Hq, None, Unknown, Branch, RegionAdmin }

/// <summary>A generated request; <see cref="Broken"/> says how it was made invalid (null when made valid by the document).</summary>
public sealed record FuzzRequest(ApiOperation Operation, string Url, string? Body, string? ContentType, Caller Caller, string? Broken)
{
    /// <summary>Where a broken PUT was sent with a fresh id: nothing may exist there afterwards.</summary>
    public string? FreshPath { get; init; }

    /// <summary>A binary body (an Excel workbook), sent instead of <see cref="Body"/>.</summary>
    public byte[]? Bytes { get; init; }

    public override string ToString() =>
        $"{Operation.Method} {SchemaChecker.Printable(Url)} as {Caller}, {Broken ?? "valid"}: {(Bytes is not null ? $"{ContentType}, {Bytes.Length:N0} bytes" : Body is null ? "" : SchemaChecker.Printable(Body))}";
}

/// <summary>
/// Requests for one operation, made from its schemas in the service's own OpenAPI document: valid ones (every required
/// field, optional ones or not, values inside every pattern, length, range and enum, drawn from the seeded world where a
/// field names something) and broken ones (one thing made invalid: a required field dropped, a wrong type, a number out
/// of range, text too long or holding a forbidden character, an unknown enum value, a malformed date or id, a day before
/// the first a campaign or record may fall on, a duplicate key, an empty, null or non-JSON body, a wrong content type, a
/// body over 1 MiB, a URL over 8 KiB, a missing or malformed parameter); some sent with no key, an unknown one or a
/// narrower one.
/// </summary>
public sealed partial class RequestGenerator(SchemaChecker schemas, IReadOnlyList<string> revocableKeyIds)
{
    private static readonly string[] Campaigns = ["c1", "c1", "c1", "c-none"];
    private static readonly string[] Branches = ["b1", "b2", "b3", "b4"];
    private static readonly string[] Honorees = ["h1", "h2"];
    private static readonly string[] Counties = ["630102", "630103", "440112", "110101"];
    private static readonly string[] Provinces = ["630000", "440000", "110000"];
    private static readonly string[] Regions = ["CN", "630000", "630100", "630102", "440000", "440100", "110000", "999999"];
    private static readonly string[] Scopes = ["CN", "630000", "630100", "630102", "b1", "b2"];
    private static readonly string[] RecordIds = [.. Enumerable.Range(1, 12).Select(i => $"r{i}")];
    // Months of campaign c1 (most), a week (the wrong kind for c1), one before it and one in the future.
    private static readonly string[] Periods = ["2020-11", "2020-12", "2021-01", "2021-06", "2020-W49", "2019-05", "2099-01"];
    private static readonly string[] ForbiddenText =
        ["\u0000", "\u0001", "\u001F", "\u007F", "\u0085", "\uFFFF", "\uFFFE", "\uFDD0", "\u202E", "\u202A", "\u2066", "\U0001FFFE", "\U0010FFFF"];
    private static readonly string[] BadIds = ["x\n", "x\r\n", "a/b", "a b", "ü", "x\u202E", new('i', 65), "%", "a?b", "a#b"];
    private static readonly string[] BadDates = ["2020-13-01", "2020-02-30", "04/12/2020", "2020-1-1", "20201204", "", "2020-12-04T00:00:00", "２０２０-１２-０４"];
    private static readonly string[] EarlyDates = ["0001-01-01", "1899-12-30", "1999-12-31"];
    private static readonly string EarliestDayNote = $"Not before {DateAttribute.FirstDay:yyyy-MM-dd}.";
    private static readonly string[] TextAlphabet = ["学", "习", "劳", "模", "精", "神", "工", "会", "a", "Z", "0", " ", "-", "·", "é", "𠮷", "🎉", "\u200F", "ئ"];
    private static int _fresh;

    private static Gen<T> Pick<T>(params T[] items) => Gen.Int[0, items.Length - 1].Select(i => items[i]);

    public Gen<FuzzRequest> For(ApiOperation operation) => operation.Id == "PostImport"
        ? Gen.Frequency((3, Requests(operation)), (1, Workbook(operation).SelectMany(r => WithCaller(r, Gen.Frequency((4, Gen.Const(Caller.Hq)), (1, Gen.Enum<Caller>()))))))
        : Requests(operation);

    private Gen<FuzzRequest> Requests(ApiOperation operation) => Gen.Frequency(
        (4, Valid(operation).SelectMany(r => WithCaller(r, Gen.Const<Caller>(Caller.Hq)))),
        (5, Broken(operation).SelectMany(r => WithCaller(r, Gen.Const<Caller>(Caller.Hq)))),
        (1, Gen.OneOf(Valid(operation), Broken(operation)).SelectMany(r => WithCaller(r, Gen.Enum<Caller>()))));

    private static Gen<FuzzRequest> WithCaller(FuzzRequest request, Gen<Caller> caller) => caller.Select(c => request with { Caller = c });

    /// <summary>A request the document says is well-formed (it may still be refused for what it names, e.g. an unknown campaign).</summary>
    private Gen<FuzzRequest> Valid(ApiOperation operation) =>
        from path in PathValues(operation)
        from query in QueryValues(operation)
        from body in operation.Body is { } schema ? Value("body", schema).Select(v => v?.ToJsonString()) : Gen.Const<string?>((string?)null)
        select new FuzzRequest(operation, Url(operation, path, query), body, body is null ? null : "application/json", Caller.Hq, null);

    private Gen<FuzzRequest> Broken(ApiOperation operation)
    {
        var ways = new List<(int, Gen<FuzzRequest>)>();
        var valid = Valid(operation);
        if (operation.Parameters.Any(p => p.In == "path"))
            ways.Add((4, from request in valid
                     from parameter in Pick([.. operation.Parameters.Where(p => p.In == "path")])
                     from bad in Pick(BadIds)
                     select request with { Url = ReplaceSegment(operation, request.Url, parameter.Name, bad), Broken = $"path {parameter.Name} {SchemaChecker.Printable(bad)}" }));
        foreach (var parameter in operation.Parameters.Where(p => p.In == "query"))
            if (BadQueryValue(parameter) is { } badValue)
                ways.Add((4, from request in valid
                             from bad in badValue
                             select request with { Url = SetQuery(request.Url, parameter.Name, bad.Value), Broken = $"query {parameter.Name}: {bad.Why}" }));
        ways.Add((1, from request in valid
                     select request with { Url = SetQuery(request.Url, "padding", new string('q', 9_000)), Broken = "URL over 8 KiB" }));
        if (operation.Body is { } schema)
        {
            ways.Add((16, from request in valid
                          from mutation in BrokenBody(schema)
                          select Fresh(request with { Body = mutation.Body, Broken = mutation.Why })));
            ways.Add((2, from request in valid
                         from contentType in Pick("text/plain", "application/xml", "application/x-www-form-urlencoded")
                         select Fresh(request with { ContentType = contentType, Broken = $"content type {contentType}" })));
            // Rarely: a body over 1 MiB is costly to send. An empty object is broken only where some field is required.
            var requiresFields = schemas.Resolve(schema).TryGetProperty("required", out var needed) && needed.GetArrayLength() > 0;
            var huge = (1, from request in valid
                           from roll in Gen.Int[0, 9]
                           select roll > 0 && requiresFields ? request with { Body = "{}", Broken = "required fields missing" }
                               : Fresh(request with { Body = "{\"title\":\"" + new string('x', (1 << 20) + 16) + "\"}", Broken = "body over 1 MiB" }));
            ways.Add(huge);
        }
        return Gen.Frequency([.. ways]);
    }

    /// <summary>PUTs of a broken body go to a fresh id, so that afterwards it can be shown that nothing exists there.</summary>
    private static FuzzRequest Fresh(FuzzRequest request)
    {
        if (request.Operation.Method != "PUT") return request;
        var fresh = $"broken-{Interlocked.Increment(ref _fresh)}";
        var segments = request.Url.Split('?')[0].Split('/');
        segments[^1] = fresh;
        var path = string.Join('/', segments);
        return request with { Url = path + (request.Url.Contains('?') ? "?" + request.Url.Split('?', 2)[1] : ""), FreshPath = path };
    }

    private Gen<(string? Body, string Why)> BrokenBody(JsonElement schema)
    {
        var target = schemas.Resolve(schema);
        var properties = target.GetProperty("properties").EnumerateObject().Select(p => (p.Name, Schema: schemas.Resolve(p.Value))).ToList();
        var required = target.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!).ToList() : [];
        var valid = Value("body", schema).Select(v => v!.AsObject());
        var ways = new List<Gen<(string?, string)>>
        {
            Pick<(string?, string)>(("", "empty body"), ("null", "null body"), ("[]", "array body"), ("42", "number body"),
                ("\"x\"", "string body"), ("{", "truncated JSON"), ("{\"a\":", "truncated JSON")),
        };
        // A lone surrogate in a text field the body has (a field it does not have is ignored, as unknown fields are).
        if (properties.FirstOrDefault(p => TypeOf(p.Schema) == "string" && !p.Schema.TryGetProperty("enum", out _)).Name is { } text)
            ways.Add(Gen.Const<(string?, string)>(($"{{\"{text}\":\"\\ud800\"}}", "lone surrogate")));
        if (properties.Count > 0)
            ways.Add(from body in valid.Where(b => b.Count > 0)
                     from p in Pick([.. body.Select(p => p.Key)])
                     select ((string?)Duplicate(body, p), $"duplicate {p}"));
        if (required.Count > 0)
            ways.Add(from body in valid
                     from name in Pick([.. required])
                     select ((string?)Without(body, name), $"required {name} missing"));
        foreach (var (name, property) in properties)
            ways.Add(from body in valid
                     from bad in BadValue(name, property)
                     select ((string?)With(body, name, bad.Value), $"{name}: {bad.Why}"));
        return Gen.OneOf([.. ways]);
    }

    /// <summary>A value the schema refuses: wrong type, out of range, too long, forbidden character, unknown enum, bad date or id.</summary>
    private Gen<(JsonNode? Value, string Why)> BadValue(string name, JsonElement schema)
    {
        var ways = new List<Gen<(JsonNode?, string)>>();
        var type = TypeOf(schema);
        ways.Add(type switch
        {
            "string" => Pick<(JsonNode?, string)>((12345, "number for text"), (true, "boolean for text"), (new JsonObject(), "object for text"), (new JsonArray(), "array for text")),
            "integer" => Pick<(JsonNode?, string)>(("12", "string for number"), (1.5, "fraction"), (true, "boolean for number"), (1e300, "huge")),
            "array" => Pick<(JsonNode?, string)>(("h1", "text for list"), (new JsonObject(), "object for list")),
            _ => Pick<(JsonNode?, string)>(("x", "text for object"), (new JsonArray(), "array for object"), (7, "number for object")),
        });
        if (IsRequired(schema) && type == "array") ways.Add(Gen.Const<(JsonNode?, string)>((new JsonArray(), "empty list")));
        if (schema.TryGetProperty("maximum", out var max))
            ways.Add(Pick<(JsonNode?, string)>((max.GetInt64() + 1, "above maximum"), (2147483648L, "beyond int32")));
        if (schema.TryGetProperty("minimum", out var min)) ways.Add(Gen.Const<(JsonNode?, string)>((min.GetInt64() - 1, "below minimum")));
        if (schema.TryGetProperty("maxLength", out var maxLength))
            ways.Add(Gen.Const<(JsonNode?, string)>((new string('题', maxLength.GetInt32() + 1), "too long")));
        if (schema.TryGetProperty("maxItems", out var maxItems))
            ways.Add(Gen.Const<(JsonNode?, string)>((new JsonArray([.. Enumerable.Range(0, maxItems.GetInt32() + 1).Select(_ => (JsonNode?)"h1")]), "too many items")));
        if (schema.TryGetProperty("pattern", out var pattern))
        {
            var text = pattern.GetString()!;
            if (text == TextPolicy.Pattern(false) || text == TextPolicy.Pattern(true))
                ways.Add(from bad in Pick(text == TextPolicy.Pattern(false) ? [.. ForbiddenText, "\n", "\t", "\r"] : ForbiddenText)
                         select ((JsonNode?)(name == "url" ? "https://example.org/" + bad : "学习" + bad + "精神"), $"forbidden U+{char.ConvertToUtf32(bad, 0):X4}"));
            else if (text == Grassroots.Silo.Apis.IdAttribute.Pattern)
                ways.Add(from bad in Pick(BadIds) select ((JsonNode?)bad, $"bad id {SchemaChecker.Printable(bad)}"));
            else ways.Add(Pick<(JsonNode?, string)>(("12345", "wrong code"), ("63010", "short code"), ("6301020", "long code"), ("630102\n", "code with newline")));
        }
        if (schema.TryGetProperty("enum", out _)) ways.Add(Pick<(JsonNode?, string)>(("Offline", "enum in wrong case"), ("unknown", "unknown enum"), ("", "empty enum")));
        if (schema.TryGetProperty("format", out var format) && format.GetString() == "date")
        {
            ways.Add(from bad in Pick(BadDates) select ((JsonNode?)bad, $"bad date {bad}"));
            if (schema.TryGetProperty("description", out var note) && note.GetString()!.Contains(EarliestDayNote, StringComparison.Ordinal))
                ways.Add(from bad in Pick(EarlyDates) select ((JsonNode?)bad, $"date before {DateAttribute.FirstDay:yyyy-MM-dd}"));
        }
        if (schema.TryGetProperty("items", out var items))
            ways.Add(from bad in BadValue(name + "[]", schemas.Resolve(items)) select ((JsonNode?)new JsonArray(bad.Value?.DeepClone()), $"item: {bad.Why}"));
        if (schema.TryGetProperty("properties", out _))
            ways.Add(from bad in BrokenBody(schema).Where(b => b.Body is ['{', ..] && b.Why is not ("truncated JSON" or "lone surrogate") && !b.Why.StartsWith("duplicate", StringComparison.Ordinal))
                     select (JsonNode.Parse(bad.Body!), $"nested {bad.Why}"));
        return Gen.OneOf([.. ways]);
    }

    private static Gen<(string? Value, string Why)>? BadQueryValue(ApiParameter parameter)
    {
        var schema = parameter.Schema;
        var ways = new List<Gen<(string?, string)>>();
        if (parameter.Required) ways.Add(Gen.Const<(string?, string)>((null, "missing")));
        switch (TypeOf(schema))
        {
            case "integer":
                ways.Add(Pick<(string?, string)>(("0", "zero"), ("-1", "negative"), ("abc", "not a number"), ("1.5", "fraction"), ("99999999999", "huge"), ("+5", "signed")));
                break;
            case "boolean":
                ways.Add(Pick<(string?, string)>(("yes", "not a boolean"), ("TRUE", "wrong case"), ("1", "digit")));
                break;
            default:
                if (schema.TryGetProperty("enum", out _)) ways.Add(Pick<(string?, string)>(("year", "unknown enum"), ("Day", "wrong case")));
                if (schema.TryGetProperty("format", out var f) && f.GetString() == "date")
                    ways.Add(from bad in Pick(BadDates.Where(d => d.Length > 0).ToArray()) select ((string?)bad, $"bad date {bad}"));
                if (schema.TryGetProperty("pattern", out var p) && p.GetString() == Grassroots.Silo.Apis.IdAttribute.Pattern)
                    ways.Add(from bad in Pick(BadIds) select ((string?)bad, $"bad id {SchemaChecker.Printable(bad)}"));
                if (schema.TryGetProperty("maxLength", out var m) && p.ValueKind == JsonValueKind.String && p.GetString() != Grassroots.Silo.Apis.IdAttribute.Pattern)
                {
                    ways.Add(Gen.Const<(string?, string)>((new string('理', m.GetInt32() + 1), "too long")));
                    ways.Add(from bad in Pick([.. ForbiddenText, "\n", "\t"]) select ((string?)("作废" + bad), $"forbidden U+{char.ConvertToUtf32(bad, 0):X4}"));
                }
                break;
        }
        return ways.Count == 0 ? null : Gen.OneOf([.. ways]);
    }

    private Gen<Dictionary<string, string>> PathValues(ApiOperation operation) => Collect(operation.Parameters.Where(p => p.In == "path"),
        p => Value(p.Name, p.Schema, operation).Select(v => (string?)Text(v)), required: true);

    private Gen<Dictionary<string, string>> QueryValues(ApiOperation operation) => Collect(operation.Parameters.Where(p => p.In == "query"),
        p => Value(p.Name, p.Schema, operation).Select(v => (string?)Text(v)), required: false);

    private static Gen<Dictionary<string, string>> Collect(IEnumerable<ApiParameter> parameters, Func<ApiParameter, Gen<string?>> value, bool required)
    {
        var result = Gen.Const(new Dictionary<string, string>());
        foreach (var parameter in parameters)
        {
            var given = required || parameter.Required ? value(parameter) : Gen.Frequency((1, value(parameter)), (1, Gen.Const<string?>((string?)null)));
            result = result.SelectMany(d => given.Select(v => v is null ? d : new Dictionary<string, string>(d) { [parameter.Name] = v }));
        }
        return result;
    }

    /// <summary>A valid value for a field of this name and schema, from the seeded world where the name says what it is.</summary>
    private Gen<JsonNode?> Value(string name, JsonElement schema, ApiOperation? operation = null)
    {
        schema = schemas.Resolve(schema);
        if (schema.TryGetProperty("enum", out var values))
            return Pick([.. values.EnumerateArray().Where(v => v.ValueKind != JsonValueKind.Null).Select(v => v.GetRawText())]).Select(JsonNode? (raw) => JsonNode.Parse(raw));
        switch (TypeOf(schema))
        {
            case "object":
                return Object(schema);
            case "array":
                var item = Value(name, schema.GetProperty("items"));
                return item.Array[1, Math.Min(3, schema.TryGetProperty("maxItems", out var mi) ? mi.GetInt32() : 3)]
                    .Select(a => (JsonNode?)new JsonArray([.. a.DistinctBy(n => n?.ToJsonString()).Select(n => n?.DeepClone())]));
            case "integer":
                return name switch
                {
                    "total" => Gen.Int[20, 500].Select(i => (JsonNode?)i),
                    "frontline" or "youth" or "women" => Gen.Int[0, 20].Select(i => (JsonNode?)i),
                    "honoredYear" => Gen.Int[1950, 2020].Select(i => (JsonNode?)i),
                    "page" => Gen.Int[1, 3].Select(i => (JsonNode?)i),
                    _ => Gen.Int[(int)Math.Max(0, Min(schema)), (int)Math.Min(Max(schema), 100_000)].Select(i => (JsonNode?)i),
                };
            case "boolean":
                return Gen.Bool.Select(b => (JsonNode?)b);
        }
        if (schema.TryGetProperty("format", out var format) && format.GetString() == "date") return Date(name);
        if (schema.TryGetProperty("format", out format) && format.GetString() == "uri")
            return Gen.Int[1, 999].Select(i => (JsonNode?)$"https://example.org/news/{i}");
        var pattern = schema.TryGetProperty("pattern", out var p) ? p.GetString() : null;
        if (pattern == Grassroots.Silo.Apis.IdAttribute.Pattern) return Pick<JsonNode?>([.. Ids(name, operation)]);
        if (pattern == Domain.Campaigns.ReportingPeriod.Pattern) return Pick<JsonNode?>([.. Periods.Select(p => (JsonNode?)p)]);
        if (pattern == RegionCodeAttribute.SixDigits) return Pick<JsonNode?>([.. name == "provinceCode" ? Provinces : Counties]);
        if (pattern == RegionCodeAttribute.CodeOrNational) return Pick<JsonNode?>([.. Regions]);
        var maxLength = schema.TryGetProperty("maxLength", out var ml) ? ml.GetInt32() : 50;
        var alphabet = pattern == TextPolicy.Pattern(true) ? [.. TextAlphabet, "\n", "\t", "\r\n"] : TextAlphabet;
        return Gen.Frequency(
            (9, Pick(alphabet).Array[1, Math.Min(maxLength / 2, 30)].Select(parts => (JsonNode?)("学" + string.Concat(parts)))),
            (1, Gen.Const<JsonNode?>(new string('满', maxLength))));
    }

    private Gen<JsonNode?> Object(JsonElement schema)
    {
        var required = schema.TryGetProperty("required", out var r) ? r.EnumerateArray().Select(e => e.GetString()!).ToHashSet() : [];
        var result = Gen.Const(new List<(string, JsonNode?)>());
        foreach (var property in schema.GetProperty("properties").EnumerateObject())
        {
            var value = Value(property.Name, property.Value);
            var given = required.Contains(property.Name)
                ? value.Select(v => (Include: true, Value: v))
                : Gen.Frequency((5, value.Select(v => (Include: true, Value: v))), (3, Gen.Const((Include: false, Value: (JsonNode?)null))),
                    (1, Gen.Const((Include: true, Value: (JsonNode?)null))));
            result = result.SelectMany(list => given.Select(g => g.Include ? [.. list, (property.Name, g.Value)] : list));
        }
        return result.Select(list => (JsonNode?)new JsonObject(list.Select(p => KeyValuePair.Create(p.Item1, p.Item2?.DeepClone()))));
    }

    private IEnumerable<string> Ids(string name, ApiOperation? operation) => name switch
    {
        "campaignId" when operation?.Id == "PutCampaign" => ["c1", "c2", "c3"],
        "campaignId" => Campaigns,
        "branchId" when operation?.Id == "PutBranch" => ["b1", "b2", "fz-b1", "fz-b2"],
        "branchId" => [.. Branches, "no-such-branch"],
        "honoreeId" or "honoreeIds" => [.. Honorees, "h-none"],
        "sessionId" or "talkId" or "itemId" => RecordIds,
        "scope" => Scopes,
        "keyId" => [.. revocableKeyIds, "k0000000000000", "unknown-key"],
        _ => ["x1", "x.2", "x_3:4-5"],
    };

    private static Gen<JsonNode?> Date(string name) => name switch
    {
        "startsOn" => DateIn(new DateOnly(2019, 1, 1), new DateOnly(2021, 6, 30)),
        "endsOn" => DateIn(new DateOnly(2021, 7, 1), new DateOnly(2023, 12, 31)),
        "from" => DateIn(new DateOnly(2020, 11, 1), new DateOnly(2021, 3, 31)),
        "to" => DateIn(new DateOnly(2021, 4, 1), new DateOnly(2022, 12, 31)),
        _ => DateIn(new DateOnly(2020, 11, 20), new DateOnly(2022, 1, 10)), // mostly inside campaign c1 (2020-11-24 … 2021-12-31)
    };

    private static Gen<JsonNode?> DateIn(DateOnly first, DateOnly last) =>
        Gen.Int[first.DayNumber, last.DayNumber].Select(d => (JsonNode?)DateOnly.FromDayNumber(d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    private static string Url(ApiOperation operation, Dictionary<string, string> path, Dictionary<string, string> query)
    {
        var url = operation.Path;
        foreach (var (name, value) in path) url = url.Replace("{" + name + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        return query.Count == 0 ? url : url + "?" + string.Join('&', query.Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value)}"));
    }

    private static string ReplaceSegment(ApiOperation operation, string url, string parameter, string value)
    {
        var template = operation.Path.Split('/');
        var segments = url.Split('?', 2);
        var actual = segments[0].Split('/');
        // A segment may hold more than the parameter (templates/{type}.xlsx).
        var at = Array.FindIndex(template, t => t.Contains("{" + parameter + "}", StringComparison.Ordinal));
        actual[at] = template[at].Replace("{" + parameter + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        return string.Join('/', actual) + (segments.Length > 1 ? "?" + segments[1] : "");
    }

    private static string SetQuery(string url, string name, string? value)
    {
        var parts = url.Split('?', 2);
        var query = (parts.Length > 1 ? parts[1].Split('&') : []).Where(q => !q.StartsWith(name + "=", StringComparison.Ordinal)).ToList();
        if (value is not null) query.Add($"{name}={Uri.EscapeDataString(value)}");
        return query.Count == 0 ? parts[0] : parts[0] + "?" + string.Join('&', query);
    }

    private static string Without(JsonObject body, string name)
    {
        var copy = body.DeepClone().AsObject();
        copy.Remove(name);
        return copy.ToJsonString();
    }

    private static string With(JsonObject body, string name, JsonNode? value)
    {
        var copy = body.DeepClone().AsObject();
        copy[name] = value?.DeepClone();
        return copy.ToJsonString();
    }

    /// <summary>The body with its first occurrence of <paramref name="name"/> sent again at the end.</summary>
    private static string Duplicate(JsonObject body, string name)
    {
        var json = body.ToJsonString();
        return json[..^1] + (json.Length > 2 ? "," : "") + $"\"{name}\":{body[name]?.ToJsonString() ?? "null"}}}";
    }

    private static string? Text(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        _ => value.ToJsonString(),
    };

    private static string TypeOf(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type)) return schema.TryGetProperty("properties", out _) ? "object" : "string";
        return type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).First(t => t != "null") : type.GetString()!;
    }

    private static bool IsRequired(JsonElement schema) => schema.TryGetProperty("minItems", out var m) && m.GetInt32() > 0;

    private static double Min(JsonElement schema) => schema.TryGetProperty("minimum", out var m) ? m.GetDouble() : 0;

    private static double Max(JsonElement schema) => schema.TryGetProperty("maximum", out var m) ? m.GetDouble() : 1_000_000;

    /// <summary>For the summary: how many characters of JSON text a body is.</summary>
    public static int Size(FuzzRequest request) => request.Bytes?.Length ?? (request.Body is null ? 0 : Encoding.UTF8.GetByteCount(request.Body));
}
