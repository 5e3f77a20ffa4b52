using System.Text.RegularExpressions;

namespace Grassroots.Silo.Apis;

/// <summary>
/// Collects every problem with a request, by field, before anything is called; an endpoint returns
/// <see cref="Problem"/> when <see cref="IsValid"/> is false, so invalid input never reaches a grain. The rules of
/// single fields are declared once, as <see cref="FieldRuleAttribute"/>s, and applied by <see cref="FieldValidation"/>;
/// what is left to endpoints is what needs more than one field or a lookup.
/// </summary>
public sealed partial class Validator
{
    public const int MaxCount = 1_000_000;

    /// <summary>Ids: 1–64 characters of A–Z a–z 0–9 . _ : - (DESIGN.md §7).</summary>
    public const string IdCharacters = "[A-Za-z0-9._:-]", IdMessage = "Must be 1–64 characters of letters, digits, '.', '_', ':' or '-'.";
    public const int MaxIdLength = 64;

    /// <summary>The id rule as the OpenAPI document states it (ECMA-262: '$' is the very end of the input).</summary>
    public const string IdPattern = "^" + IdCharacters + "{1,64}$";

    private readonly Dictionary<string, List<string>> _errors = [];

    public bool IsValid => _errors.Count == 0;

    /// <summary>Every problem as "field: message", for the commands that share these checks.</summary>
    public IEnumerable<string> Messages => _errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"));

    /// <summary>Every problem by field, for imports, which report each bad row's fields rather than answer 400.</summary>
    public IEnumerable<(string Field, string Message)> Problems => _errors.SelectMany(e => e.Value.Select(m => (e.Key, m)));

    public Validator Fail(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list)) _errors[field] = list = [];
        list.Add(message);
        return this;
    }

    /// <summary>Whether <paramref name="field"/> already has a problem.</summary>
    public bool Failed(string field) => _errors.ContainsKey(field);

    /// <summary>Ids: 1–64 characters of A–Z a–z 0–9 . _ : -, matched to the very end (a final newline is not an id character).</summary>
    public bool Id(string field, string? value)
    {
        if (value is not null && ExactId().IsMatch(value)) return true;
        Fail(field, IdMessage);
        return false;
    }

    public bool Required(string field, object? value)
    {
        if (value is not null && (value is not string s || !string.IsNullOrWhiteSpace(s))) return true;
        Fail(field, "Is required.");
        return false;
    }

    /// <summary>Text under the <see cref="TextPolicy"/>, at most <paramref name="maxLength"/> characters.</summary>
    public void Text(string field, string? value, int maxLength, bool required = false, bool multiLine = false)
    {
        if (required && !Required(field, value)) return;
        if (value is null) return;
        if (TextPolicy.Length(value) > maxLength) Fail(field, $"Must be at most {maxLength} characters.");
        if (TextPolicy.Problem(value, multiLine) is { } problem) Fail(field, problem);
    }

    public void Count(string field, int? value, bool required = false)
    {
        if (required && !Required(field, value)) return;
        if (value is < 0 or > MaxCount) Fail(field, $"Must be a whole number from 0 to {MaxCount:N0}.");
    }

    public void OneOf(string field, string? value, IReadOnlyCollection<string> allowed, bool required = false)
    {
        if (required && !Required(field, value)) return;
        if (value is not null && !allowed.Contains(value)) Fail(field, $"Must be one of: {string.Join(", ", allowed)}.");
    }

    public void Url(string field, string? value, int maxLength = 2048)
    {
        Text(field, value, maxLength);
        if (value is not null && !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            Fail(field, "Must be an absolute http or https URL.");
    }

    public IResult Problem() => TypedResults.ValidationProblem(
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray()), title: "The request is invalid.");

    [GeneratedRegex("^" + IdCharacters + @"{1,64}\z")]
    private static partial Regex ExactId();
}
