using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Grassroots.Domain;
using Grassroots.Domain.Model;
using Grassroots.Domain.Regions;

namespace Grassroots.Silo.Apis;

/// <summary>
/// The rule of one request field, path segment or query parameter, stated once: <see cref="FieldValidation"/> applies
/// it before the endpoint runs and the OpenAPI document describes it from <see cref="Shape"/>, so the two cannot drift.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public abstract class FieldRuleAttribute : Attribute
{
    /// <summary>The field must be given: not null, not blank (an empty query value counts as not given).</summary>
    public bool Required { get; set; }

    /// <summary>Checks a value that is given; the missing and blank cases are <see cref="Required"/>'s.</summary>
    public abstract void Check(Validator v, string field, object value, Context context);

    /// <summary>
    /// Where a value is checked: the body it is part of (null for a path or query value), for rules that compare fields,
    /// and the services (null in a command), for rules that look something up.
    /// </summary>
    public sealed record Context(object? Owner, IServiceProvider? Services);

    /// <summary>The rule in JSON Schema terms.</summary>
    public abstract FieldShape Shape { get; }
}

/// <summary>JSON Schema keywords for one rule.</summary>
public sealed record FieldShape(string Type)
{
    public string? Format { get; init; }
    public string? Pattern { get; init; }
    public int? MinLength { get; init; }
    public int? MaxLength { get; init; }
    public long? Minimum { get; init; }
    public long? Maximum { get; init; }
    public IReadOnlyList<string>? Enum { get; init; }
    public int? MinItems { get; init; }
    public int? MaxItems { get; init; }
    public FieldShape? Items { get; init; }
    public string? Description { get; init; }

    /// <summary>A sibling property this number may not exceed; JSON Schema cannot compare fields, so the document says it as x-not-above.</summary>
    public string? NotAbove { get; init; }
}

/// <summary>An id (DESIGN.md §7): 1–64 characters of A–Z a–z 0–9 . _ : -</summary>
public sealed class IdAttribute : FieldRuleAttribute
{
    public static readonly FieldShape IdShape = new("string")
        { Pattern = Validator.IdPattern, MinLength = 1, MaxLength = Validator.MaxIdLength };

    public override void Check(Validator v, string field, object value, Context context) => v.Id(field, value as string);
    public override FieldShape Shape => IdShape;
}

/// <summary>A list of 1 to <see cref="MaxItems"/> ids.</summary>
public sealed class IdListAttribute(int maxItems) : FieldRuleAttribute
{
    public int MaxItems { get; } = maxItems;

    public override void Check(Validator v, string field, object value, Context context)
    {
        var ids = (IReadOnlyList<string?>)value;
        if (ids.Count == 0) v.Fail(field, "At least one is required.");
        else if (ids.Count > MaxItems) v.Fail(field, $"At most {MaxItems}.");
        else for (var i = 0; i < ids.Count; i++) v.Id($"{field}[{i}]", ids[i]);
    }

    public override FieldShape Shape => new("array") { MinItems = 1, MaxItems = MaxItems, Items = IdAttribute.IdShape };
}

/// <summary>Text under the <see cref="TextPolicy"/>; only a multi-line field (notes, descriptions) may hold tab and line breaks.</summary>
public sealed class TextAttribute(int maxLength) : FieldRuleAttribute
{
    public int MaxLength { get; } = maxLength;
    public bool MultiLine { get; set; }

    public override void Check(Validator v, string field, object value, Context context) =>
        v.Text(field, (string)value, MaxLength, multiLine: MultiLine);

    public override FieldShape Shape => new("string")
        { MaxLength = MaxLength, Pattern = TextPolicy.Pattern(MultiLine), Description = TextPolicy.Description(MultiLine) };
}

/// <summary>An absolute http or https URL, under the <see cref="TextPolicy"/>.</summary>
public sealed class UrlAttribute(int maxLength) : FieldRuleAttribute
{
    public override void Check(Validator v, string field, object value, Context context) => v.Url(field, (string)value, maxLength);

    public override FieldShape Shape => new("string")
    {
        Format = "uri", MaxLength = maxLength, Pattern = TextPolicy.Pattern(multiLine: false),
        Description = "An absolute http or https URL. " + TextPolicy.Description(multiLine: false),
    };
}

/// <summary>One of the values of a static string collection, e.g. <c>StudySessionsApi.Formats</c>: the same list the endpoint uses.</summary>
public sealed class OneOfAttribute(Type owner, string member) : FieldRuleAttribute
{
    public IReadOnlyCollection<string> Allowed { get; } =
        (owner.GetField(member, BindingFlags.Public | BindingFlags.Static)?.GetValue(null)
         ?? owner.GetProperty(member, BindingFlags.Public | BindingFlags.Static)?.GetValue(null)) as IReadOnlyCollection<string>
        ?? throw new ArgumentException($"{owner.Name}.{member} is not a public static collection of strings.");

    public override void Check(Validator v, string field, object value, Context context) => v.OneOf(field, (string)value, Allowed);
    public override FieldShape Shape => new("string") { Enum = [.. Allowed] };
}

/// <summary>
/// A count: a whole number from 0 to <see cref="Validator.MaxCount"/>; with <see cref="NotAbove"/>, not above another
/// count of the same object (a part of the attendance, e.g. women, not above its total).
/// </summary>
public sealed class CountAttribute : FieldRuleAttribute
{
    /// <summary>The property of the same object this count may not exceed.</summary>
    public string? NotAbove { get; set; }

    public override void Check(Validator v, string field, object value, Context context)
    {
        v.Count(field, (int)value);
        if (NotAbove is not null && context.Owner?.GetType().GetProperty(NotAbove)?.GetValue(context.Owner) is int most && (int)value > most)
            v.Fail(field, $"Must not exceed {Sibling(field, NotAbove)} ({most}).");
    }

    public override FieldShape Shape => new("integer")
    {
        Format = "int32", Minimum = 0, Maximum = Validator.MaxCount, NotAbove = NotAbove is null ? null : JsonNamingPolicy.CamelCase.ConvertName(NotAbove),
        Description = NotAbove is null ? null : $"Not above {JsonNamingPolicy.CamelCase.ConvertName(NotAbove)}.",
    };

    /// <summary>"attendees.women" and Total → "attendees.total": the other field as the client named it.</summary>
    private static string Sibling(string field, string property) =>
        field[..(field.LastIndexOf('.') + 1)] + JsonNamingPolicy.CamelCase.ConvertName(property);
}

/// <summary>A whole number in a range; in a query string, written in decimal digits.</summary>
public sealed class WholeAttribute(int minimum, int maximum) : FieldRuleAttribute
{
    public override void Check(Validator v, string field, object value, Context context)
    {
        var ok = value switch
        {
            int n => n >= minimum && n <= maximum,
            string s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= minimum && n <= maximum,
            _ => false,
        };
        if (!ok) v.Fail(field, $"Must be a whole number from {minimum} to {maximum}.");
    }

    public override FieldShape Shape => new("integer") { Format = "int32", Minimum = minimum, Maximum = maximum };
}

/// <summary>A year from <paramref name="first"/> to this year (in China).</summary>
public sealed class YearAttribute(int first) : FieldRuleAttribute
{
    public override void Check(Validator v, string field, object value, Context context)
    {
        var thisYear = (context.Services?.GetService<TimeProvider>() ?? TimeProvider.System).Today().Year;
        if ((int)value < first || (int)value > thisYear) v.Fail(field, $"Must be a year from {first} to {thisYear}.");
    }

    public override FieldShape Shape => new("integer") { Format = "int32", Minimum = first, Description = "Not after the current year." };
}

/// <summary>
/// A date written YYYY-MM-DD (a JSON date field is parsed by the serializer, a query value here); with
/// <see cref="NotBefore"/>, not before another date property of the same body (e.g. a campaign's end and start); with
/// <see cref="CampaignDay"/>, a day a campaign or a record falls on, which is not before <see cref="FirstDay"/>.
/// </summary>
public sealed class DateAttribute : FieldRuleAttribute
{
    /// <summary>
    /// The first day a campaign or record may fall on. Earlier days are slips (0001-01-01, Excel's 1900-01-00), never a
    /// campaign this service counts, and on PostgreSQL the earliest ones meet the dates storage reserves.
    /// </summary>
    public static readonly DateOnly FirstDay = new(2000, 1, 1);

    public string? NotBefore { get; set; }

    public bool CampaignDay { get; set; }

    public override void Check(Validator v, string field, object value, Context context)
    {
        if (value is string s && !DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            v.Fail(field, "Must be a date written YYYY-MM-DD.");
        if (CampaignDay && value is DateOnly date && date < FirstDay)
            v.Fail(field, $"Must not be before {FirstDay:yyyy-MM-dd}.");
        if (NotBefore is not null && value is DateOnly day
            && context.Owner?.GetType().GetProperty(NotBefore)?.GetValue(context.Owner) is DateOnly earliest && day < earliest)
            v.Fail(field, $"Must not be before {JsonNamingPolicy.CamelCase.ConvertName(NotBefore)}.");
    }

    public override FieldShape Shape
    {
        get
        {
            var first = CampaignDay ? $"Not before {FirstDay:yyyy-MM-dd}." : null;
            var other = NotBefore is null ? null : $"Not before {JsonNamingPolicy.CamelCase.ConvertName(NotBefore)}.";
            return new("string") { Format = "date", Description = first is null ? other : other is null ? first : $"{first} {other}" };
        }
    }
}

/// <summary>A query flag: true or false.</summary>
public sealed class FlagAttribute : FieldRuleAttribute
{
    public override void Check(Validator v, string field, object value, Context context)
    {
        if (value is not ("true" or "false")) v.Fail(field, "Must be true or false.");
    }

    public override FieldShape Shape => new("boolean");
}

/// <summary>The level a region code in a body must have.</summary>
public enum RegionCodeLevel { Province, County }

/// <summary>
/// A GB/T 2260 code: six digits, or CN for the whole country where <see cref="National"/>. In a body it must name a
/// region of <see cref="Level"/> (looked up in the region directory); in a path any code that is not a region answers 404.
/// </summary>
public sealed class RegionCodeAttribute : FieldRuleAttribute
{
    public const string SixDigits = "^[0-9]{6}$", CodeOrNational = "^(?:CN|[0-9]{6})$";

    public bool National { get; set; }
    public RegionCodeLevel Level { get; set; } = RegionCodeLevel.County;

    public override void Check(Validator v, string field, object value, Context context)
    {
        if (National) return; // a path: the endpoint answers 404 for anything that is not a region
        var code = (string)value;
        if (code.Length != 6 || !code.All(char.IsAsciiDigit))
            v.Fail(field, "Must be a six-digit GB/T 2260 region code.");
        else if (context.Services?.GetService<RegionDirectory>() is { } regions
                 && !(Level == RegionCodeLevel.County ? regions.IsLeaf(code) : regions.Find(code)?.Level == RegionLevel.Province))
            v.Fail(field, $"'{code}' is not a {(Level == RegionCodeLevel.County ? "county" : "provincial")}-level region code.");
    }

    public override FieldShape Shape => new("string")
    {
        Pattern = National ? CodeOrNational : SixDigits,
        Description = National
            ? $"{RegionDirectory.National} or a six-digit GB/T 2260 code; any other answers 404."
            : $"A {(Level == RegionCodeLevel.County ? "county" : "provincial")}-level GB/T 2260 code.",
    };
}

/// <summary>A nested object, whose own properties carry their rules (e.g. a study session's attendees).</summary>
public sealed class NestedAttribute : FieldRuleAttribute
{
    public override void Check(Validator v, string field, object value, Context context) => v.Fields(value, context.Services, field + ".");
    public override FieldShape Shape => new("object");
}
