using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Grassroots.Domain;
using Grassroots.Domain.Regions;
using Microsoft.Extensions.Validation;
using Microsoft.OpenApi;

namespace Grassroots.Silo.Apis;

// The rules of request fields, path segments and query parameters as DataAnnotations: checked by the framework's
// validation (AddValidation) before an endpoint runs, and by imports for each row; the OpenAPI generator reads the
// framework's own attributes (Required, Range, RegularExpression, Length), and ISchemaRule says the rest.
// Each problem is a Message (a key of the message catalog and its arguments) said in the current UI culture: the
// request's language where a request is checked, English where FieldChecks.ValidateAsync checks an import row.

/// <summary>What an attribute says in the OpenAPI document beyond what the generator reads from DataAnnotations.</summary>
public interface ISchemaRule
{
    void Describe(OpenApiSchema schema);
}

/// <summary>
/// A rule <see cref="FieldRules"/> checks straight from a property's value, typed: no box and no ValidationContext. It
/// answers only whether the value passes; what is wrong is said by the attribute through the framework's validation.
/// </summary>
public interface IFieldRule<in T>
{
    /// <summary>Whether <paramref name="value"/>, a property of <paramref name="owner"/>, passes.</summary>
    bool Passes(T value, object owner, IServiceProvider services);
}

/// <summary>
/// A request type whose object rules are only its properties' <see cref="NotAboveAttribute"/> and <see cref="IdListAttribute"/>:
/// the framework's validation checks them here, and <see cref="FieldRules"/> compiles them itself.
/// </summary>
public interface IRulesInAttributes : IValidatableObject
{
    IEnumerable<ValidationResult> IValidatableObject.Validate(ValidationContext validationContext) =>
        NotAboveAttribute.Check(this).Concat(IdListAttribute.Check(this));
}

/// <summary>Registers the framework's validation, once: its source generator allows a single call site.</summary>
public static class FieldValidation
{
    public static IServiceCollection AddFieldValidation(this IServiceCollection services)
    {
        services.AddValidation();
        // After the framework and its generator have added their resolvers: they stand behind one that remembers.
        return services.PostConfigure<ValidationOptions>(options =>
        {
            var remembered = new RememberedValidatableInfo([.. options.Resolvers]);
            options.Resolvers.Clear();
            options.Resolvers.Add(remembered);
        });
    }

    /// <summary>
    /// What the resolvers say about each type, asked once per type. The generated resolver builds a type's description
    /// (the type, each property's) anew every time it is asked, and validation asks for the body's type and each nested
    /// one on every request and every import row: ~1.1 KB per PUT of a study session (docs/benchmarks.md, Issue 24).
    /// A description holds no state of a call, so one serves every call. Parameters are asked about once per endpoint,
    /// when its filter is built, and go straight through.
    /// </summary>
    private sealed class RememberedValidatableInfo(IReadOnlyList<IValidatableInfoResolver> resolvers) : IValidatableInfoResolver
    {
        private readonly ConcurrentDictionary<Type, IValidatableInfo?> _types = new();

        public bool TryGetValidatableTypeInfo(Type type, [NotNullWhen(true)] out IValidatableInfo? validatableInfo)
        {
            validatableInfo = _types.GetOrAdd(type, static (type, resolvers) =>
            {
                foreach (var resolver in resolvers)
                    if (resolver.TryGetValidatableTypeInfo(type, out var info)) return info;
                return null;
            }, resolvers);
            return validatableInfo is not null;
        }

        public bool TryGetValidatableParameterInfo(ParameterInfo parameterInfo, [NotNullWhen(true)] out IValidatableInfo? validatableInfo)
        {
            foreach (var resolver in resolvers)
                if (resolver.TryGetValidatableParameterInfo(parameterInfo, out validatableInfo)) return true;
            validatableInfo = null;
            return false;
        }
    }
}

/// <summary>A field rule's problem: <paramref name="message"/> in the language of the request being checked.</summary>
public sealed class MessageResult(Message message, IEnumerable<string>? members = null) : ValidationResult(message.InCurrentCulture(), members)
{
    public Message Message { get; } = message;
}

/// <summary>The field must be given: not null, not blank (an empty query value counts as not given).</summary>
public sealed class RequiredAttribute : System.ComponentModel.DataAnnotations.RequiredAttribute
{
    public static readonly Message Message = new(MessageKeys.Required);

    public override string FormatErrorMessage(string name) => Message.InCurrentCulture();
}

/// <summary>An id (the id rule of every path and body): 1–64 characters of A–Z a–z 0–9 . _ : -, to the very end (a final newline is no id character).</summary>
public sealed partial class IdAttribute() : RegularExpressionAttribute(Pattern), ISchemaRule, IFieldRule<string?>
{
    /// <summary>The rule as the OpenAPI document states it (ECMA-262: '$' is the very end of the input).</summary>
    public new const string Pattern = "^[A-Za-z0-9._:-]{1,64}$";

    public static readonly Message Message = new(MessageKeys.IdRule);

    public override bool IsValid(object? value) => value is null || (value is string s && IsId(s));

    public override string FormatErrorMessage(string name) => Message.InCurrentCulture();

    public static bool IsId(string? value) => value is not null && Exact().IsMatch(value);

    public bool Passes(string? value, object owner, IServiceProvider services) => value is null || IsId(value);

    public void Describe(OpenApiSchema schema) => (schema.MinLength, schema.MaxLength) = (1, 64);

    [GeneratedRegex(@"^[A-Za-z0-9._:-]{1,64}\z")]
    private static partial Regex Exact();
}

/// <summary>
/// A list of 1 to <paramref name="maxItems"/> ids. Each id is checked by its owner's <see cref="IValidatableObject"/>
/// through <see cref="Check"/>, so that a bad one is named by its position (honoreeIds[1]).
/// </summary>
public sealed class IdListAttribute(int maxItems) : ValidationAttribute, ISchemaRule, IFieldRule<IReadOnlyList<string?>?>
{
    public int MaxItems { get; } = maxItems;

    /// <summary>1 to <see cref="MaxItems"/> ids, each an id: what this attribute and its owner's <see cref="Check"/> say apart (so that a bad id is named by its position), in one answer.</summary>
    public bool Passes(IReadOnlyList<string?>? value, object owner, IServiceProvider services)
    {
        if (value is null) return true;
        if (value.Count is 0 || value.Count > MaxItems) return false;
        for (var i = 0; i < value.Count; i++)
            if (!IdAttribute.IsId(value[i])) return false;
        return true;
    }

    protected override ValidationResult? IsValid(object? value, ValidationContext context) => value switch
    {
        IReadOnlyCollection<string?> { Count: 0 } => new MessageResult(new(MessageKeys.AtLeastOne)),
        IReadOnlyCollection<string?> ids when ids.Count > MaxItems => new MessageResult(new(MessageKeys.AtMostItems, MaxItems)),
        _ => ValidationResult.Success,
    };

    public void Describe(OpenApiSchema schema)
    {
        (schema.MinItems, schema.MaxItems) = (1, MaxItems);
        schema.Items = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = IdAttribute.Pattern, MinLength = 1, MaxLength = 64 };
    }

    /// <summary>The ids of <paramref name="owner"/>'s id lists that are not ids, by position.</summary>
    public static IEnumerable<ValidationResult> Check(object owner)
    {
        List<ValidationResult>? problems = null;
        foreach (var property in Lists.GetOrAdd(owner.GetType(), type => [.. type.GetProperties().Where(p => p.IsDefined(typeof(IdListAttribute)))]))
        {
            var ids = property.GetValue(owner) as IReadOnlyList<string?> ?? [];
            for (var i = 0; i < ids.Count; i++)
                if (!IdAttribute.IsId(ids[i])) (problems ??= []).Add(new MessageResult(IdAttribute.Message, [$"{property.Name}[{i}]"]));
        }
        return problems ?? (IEnumerable<ValidationResult>)[];
    }

    /// <summary>The id-list properties of each type, found once: an import checks every row.</summary>
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Lists = new();
}

/// <summary>Text under the <see cref="TextPolicy"/>, at most <paramref name="maxLength"/> characters; only a multi-line field may hold tab and line breaks.</summary>
public class TextAttribute(int maxLength) : ValidationAttribute, ISchemaRule, IFieldRule<string?>
{
    /// <summary>A reason given for a step (voiding a record, returning or reopening a period).</summary>
    public const int MaxReason = 500;

    public int MaxLength { get; } = maxLength;
    public bool MultiLine { get; set; }

    protected override ValidationResult? IsValid(object? value, ValidationContext context) =>
        value is string text && Problem(text) is { } problem ? new MessageResult(problem) : ValidationResult.Success;

    public bool Passes(string? value, object owner, IServiceProvider services) => value is null || Problem(value) is null;

    protected virtual Message? Problem(string text) =>
        TextPolicy.Length(text) > MaxLength ? new(MessageKeys.AtMostCharacters, MaxLength) : TextPolicy.Problem(text, MultiLine);

    public virtual void Describe(OpenApiSchema schema)
    {
        schema.MaxLength = MaxLength;
        schema.Pattern = TextPolicy.Pattern(MultiLine);
        schema.Description ??= TextPolicy.Description(MultiLine);
    }
}

/// <summary>An absolute http or https URL, under the <see cref="TextPolicy"/>.</summary>
public sealed class WebAddressAttribute(int maxLength) : TextAttribute(maxLength)
{
    protected override Message? Problem(string text) =>
        base.Problem(text) ?? (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? null : new(MessageKeys.WebAddress));

    public override void Describe(OpenApiSchema schema)
    {
        schema.Description = "An absolute http or https URL. " + TextPolicy.Description(multiLine: false);
        base.Describe(schema);
        schema.Format = "uri";
    }
}

/// <summary>One of a <see cref="Choices"/> of the API, e.g. <c>StudySessionsApi.Formats</c>: the same list the endpoint and imports use.</summary>
public sealed class OneOfAttribute(Type owner, string member) : ValidationAttribute, ISchemaRule, IFieldRule<string?>
{
    public Choices Allowed { get; } =
        (owner.GetField(member, BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
         ?? owner.GetProperty(member, BindingFlags.Public | BindingFlags.Static)?.GetValue(null)) as Choices
        ?? throw new ArgumentException($"{owner.Name}.{member} is not a public static {nameof(Choices)}.");

    protected override ValidationResult? IsValid(object? value, ValidationContext context) =>
        value is not string s || Passes(s, context.ObjectInstance, context) ? ValidationResult.Success : new MessageResult(new(MessageKeys.OneOf, string.Join(", ", Allowed)));

    public bool Passes(string? value, object owner, IServiceProvider services) => value is null || Allowed.Contains(value);

    public void Describe(OpenApiSchema schema)
    {
        schema.Type = JsonSchemaType.String | (schema.Type & JsonSchemaType.Null);
        schema.Enum = [.. Allowed.Select(v => (JsonNode)JsonValue.Create(v)), .. schema.Type!.Value.HasFlag(JsonSchemaType.Null) ? [null!] : Array.Empty<JsonNode>()];
        if (Allowed.HasLabels)
            (schema.Extensions ??= new Dictionary<string, IOpenApiExtension>())["x-enum-labels"] =
                new JsonNodeExtension(new JsonObject(Allowed.Select(v => KeyValuePair.Create(v, (JsonNode?)Allowed.Label(v)))));
    }
}

/// <summary>A count: a whole number from 0 to <see cref="Max"/>.</summary>
public sealed class CountAttribute() : RangeAttribute(0, Max), IFieldRule<int?>
{
    public const int Max = 1_000_000;

    public bool Passes(int? value, object owner, IServiceProvider services) => value is null or (>= 0 and <= Max);

    public override string FormatErrorMessage(string name) => new Message(MessageKeys.WholeNumber, 0, Max.ToString("N0", CultureInfo.InvariantCulture)).InCurrentCulture();
}

/// <summary>
/// A part of a count that may not exceed another count of the same object (a part of the attendance, e.g. women, not
/// above its total), or of an object the owner holds, named by its path ("Participants.Total": a competition's awardees
/// not above its participants). JSON Schema cannot compare fields, so the document says it as x-not-above (the path in
/// JSON names); the owner checks it in its <see cref="IValidatableObject"/> through <see cref="Check"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NotAboveAttribute(string other) : Attribute, ISchemaRule
{
    public string Other { get; } = other;

    public void Describe(OpenApiSchema schema)
    {
        var other = JsonPath(Other);
        schema.Description = $"Not above {other}.";
        (schema.Extensions ??= new Dictionary<string, IOpenApiExtension>())["x-not-above"] = new JsonNodeExtension(JsonValue.Create(other));
    }

    public static IEnumerable<ValidationResult> Check(object owner)
    {
        List<ValidationResult>? problems = null;
        foreach (var (part, most, partName, mostName) in Pairs.GetOrAdd(owner.GetType(), Find))
            if (part(owner) is { } value && most(owner) is { } limit && value > limit)
                (problems ??= []).Add(new MessageResult(new(MessageKeys.NotAbove, mostName, limit), [partName]));
        return problems ?? (IEnumerable<ValidationResult>)[];
    }

    private static (Func<object, int?>, Func<object, int?>, string, string)[] Find(Type type) =>
        [.. from property in type.GetProperties()
            let rule = property.GetCustomAttribute<NotAboveAttribute>()
            where rule is not null
            select (Getter(type, property.Name), Getter(type, rule.Other), property.Name, JsonPath(rule.Other))];

    private static string JsonPath(string path) => string.Join('.', path.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));

    /// <summary>The count at <paramref name="path"/> from the owner, compiled; null where an object on the way is absent.</summary>
    private static Func<object, int?> Getter(Type type, string path)
    {
        var owner = Expression.Parameter(typeof(object));
        Expression Step(Expression from, string[] names)
        {
            var next = Expression.Property(from, names[0]);
            if (names.Length == 1) return Expression.Convert(next, typeof(int?));
            return Expression.Condition(Expression.Equal(next, Expression.Constant(null, next.Type)),
                Expression.Constant(null, typeof(int?)), Step(next, names[1..]));
        }
        return Expression.Lambda<Func<object, int?>>(Step(Expression.Convert(owner, type), path.Split('.')), owner).Compile();
    }

    /// <summary>Each type's parts and the counts they may not exceed, with compiled getters, found once: an import checks every row.</summary>
    private static readonly ConcurrentDictionary<Type, (Func<object, int?> Part, Func<object, int?> Most, string PartName, string MostName)[]> Pairs = new();
}

/// <summary>A whole number in a range, written in decimal digits in a query string.</summary>
public sealed class WholeAttribute(int minimum, int maximum) : ValidationAttribute, ISchemaRule, IFieldRule<string?>
{
    protected override ValidationResult? IsValid(object? value, ValidationContext context) =>
        value is not string s || Passes(s, context.ObjectInstance, context) ? ValidationResult.Success : new MessageResult(new(MessageKeys.WholeNumber, minimum, maximum));

    public bool Passes(string? value, object owner, IServiceProvider services) => value is not { Length: > 0 }
        || (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= minimum && n <= maximum);

    public void Describe(OpenApiSchema schema) =>
        (schema.Type, schema.Format, schema.Minimum, schema.Maximum) = (JsonSchemaType.Integer, "int32", Invariant(minimum), Invariant(maximum));

    public static string Invariant(int n) => n.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A year from <paramref name="first"/> to this year (in China).</summary>
public sealed class YearAttribute(int first) : ValidationAttribute, ISchemaRule, IFieldRule<int?>
{
    protected override ValidationResult? IsValid(object? value, ValidationContext context) =>
        Passes(value as int?, context.ObjectInstance, context) ? ValidationResult.Success : new MessageResult(new(MessageKeys.Year, first, ThisYear(context)));

    public bool Passes(int? value, object owner, IServiceProvider services) => value is not { } year || (year >= first && year <= ThisYear(services));

    private static int ThisYear(IServiceProvider services) => ((TimeProvider?)services.GetService(typeof(TimeProvider)) ?? TimeProvider.System).Today().Year;

    public void Describe(OpenApiSchema schema) => (schema.Minimum, schema.Description) = (WholeAttribute.Invariant(first), "Not after the current year.");
}

/// <summary>
/// A date written YYYY-MM-DD (a JSON date is parsed by the serializer, a query value here); with <see cref="CampaignDay"/>,
/// a day a campaign or a record falls on, not before <see cref="FirstDay"/>; with <see cref="NotBefore"/>, not before
/// another date of the same body (a campaign's end and start).
/// </summary>
public sealed class DateAttribute : ValidationAttribute, ISchemaRule, IFieldRule<DateOnly?>, IFieldRule<string?>
{
    /// <summary>
    /// The first day a campaign or record may fall on. Earlier days are slips (0001-01-01, Excel's 1900-01-00), never a
    /// campaign this service counts, and on PostgreSQL the earliest ones meet the dates storage reserves.
    /// </summary>
    public static readonly DateOnly FirstDay = new(2000, 1, 1);

    public bool CampaignDay { get; set; }

    public string? NotBefore { get; set; }

    protected override ValidationResult? IsValid(object? value, ValidationContext context) =>
        (value switch { string text => FormatProblem(text), DateOnly day => DayProblem(day, context.ObjectInstance), _ => null }) is { } problem
            ? new MessageResult(problem)
            : ValidationResult.Success;

    public bool Passes(DateOnly? value, object owner, IServiceProvider services) => value is not { } day || DayProblem(day, owner) is null;

    public bool Passes(string? value, object owner, IServiceProvider services) => value is null || FormatProblem(value) is null;

    private static Message? FormatProblem(string text) =>
        text.Length > 0 && !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _) ? new(MessageKeys.Date) : null;

    private Message? DayProblem(DateOnly day, object owner) =>
        CampaignDay && day < FirstDay ? new(MessageKeys.NotBefore, FirstDay.Iso())
        : NotBefore is not null && owner.GetType().GetProperty(NotBefore)?.GetValue(owner) is DateOnly earliest && day < earliest
            ? new(MessageKeys.NotBefore, JsonNamingPolicy.CamelCase.ConvertName(NotBefore))
            : null;

    public void Describe(OpenApiSchema schema)
    {
        (schema.Type, schema.Format) = (JsonSchemaType.String | (schema.Type & JsonSchemaType.Null), "date");
        var first = CampaignDay ? $"Not before {FirstDay:yyyy-MM-dd}." : null;
        var other = NotBefore is null ? null : $"Not before {JsonNamingPolicy.CamelCase.ConvertName(NotBefore)}.";
        schema.Description = string.Join(" ", new[] { first, other }.OfType<string>()) is { Length: > 0 } said ? said : null;
        // JSON Schema cannot compare two fields either: the document says it as x-not-before, for clients that check first.
        if (NotBefore is not null)
            (schema.Extensions ??= new Dictionary<string, IOpenApiExtension>())["x-not-before"] =
                new JsonNodeExtension(JsonValue.Create(JsonNamingPolicy.CamelCase.ConvertName(NotBefore)));
    }

    /// <summary>A query date its rule has checked; null when absent.</summary>
    public static DateOnly? Read(string? value) =>
        string.IsNullOrEmpty(value) ? null : DateOnly.ParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>A query flag: true or false.</summary>
public sealed class FlagAttribute : ValidationAttribute, ISchemaRule, IFieldRule<string?>
{
    protected override ValidationResult? IsValid(object? value, ValidationContext context) =>
        value is null or "" or "true" or "false" ? ValidationResult.Success : new MessageResult(new(MessageKeys.Flag));

    public bool Passes(string? value, object owner, IServiceProvider services) => value is null or "" or "true" or "false";

    public void Describe(OpenApiSchema schema) => schema.Type = JsonSchemaType.Boolean;
}

/// <summary>The level a region code in a body must have.</summary>
public enum RegionCodeLevel { Province, County }

/// <summary>
/// A GB/T 2260 code: six digits, or CN for the whole country where <see cref="National"/>. In a body it must name a
/// region of <see cref="Level"/> (looked up in the region directory); in a path any code that is not a region answers 404.
/// </summary>
public sealed class RegionCodeAttribute : ValidationAttribute, ISchemaRule, IFieldRule<string?>
{
    public const string SixDigits = "^[0-9]{6}$", CodeOrNational = "^(?:CN|[0-9]{6})$";

    public bool National { get; set; }
    public RegionCodeLevel Level { get; set; } = RegionCodeLevel.County;

    protected override ValidationResult? IsValid(object? value, ValidationContext context) =>
        Problem(value as string, context) is { } problem ? new MessageResult(problem) : ValidationResult.Success;

    public bool Passes(string? value, object owner, IServiceProvider services) => Problem(value, services) is null;

    private Message? Problem(string? value, IServiceProvider services)
    {
        if (National || value is not { Length: > 0 } code) return null; // a path: 404 for what is no region
        if (code.Length != 6 || code.AsSpan().ContainsAnyExceptInRange('0', '9')) return new(MessageKeys.RegionCode);
        var regions = (RegionDirectory?)services.GetService(typeof(RegionDirectory));
        return regions is null || (Level == RegionCodeLevel.County ? regions.IsLeaf(code) : regions.Find(code)?.Level == RegionLevel.Province)
            ? null
            : new(Level == RegionCodeLevel.County ? MessageKeys.NotCounty : MessageKeys.NotProvince, code);
    }

    public void Describe(OpenApiSchema schema)
    {
        schema.Pattern = National ? CodeOrNational : SixDigits;
        schema.Description = National
            ? $"{RegionDirectory.National} or a six-digit GB/T 2260 code; any other answers 404."
            : $"A {(Level == RegionCodeLevel.County ? "county" : "provincial")}-level GB/T 2260 code.";
    }
}
