using System.Collections;

namespace Grassroots.Domain;

/// <summary>
/// The values a field may take (the API's names, e.g. offline), each with the Chinese label people write and read
/// (线下). Requests take the values; a CSV import takes either (<see cref="ValueOf"/>), as a spreadsheet kept by hand
/// holds the labels; the OpenAPI document lists both (enum and x-enum-labels), and the dashboard shows the labels.
/// </summary>
public sealed class Choices(params (string Value, string? Label)[] items) : IReadOnlyList<string>
{
    private readonly string[] _values = [.. items.Select(i => i.Value)];
    private readonly Dictionary<string, string> _labels = items.Where(i => i.Label is not null).ToDictionary(i => i.Value, i => i.Label!);

    /// <summary>Values without labels: names that are the same in both languages (roles, intervals).</summary>
    public static Choices Of(params string[] values) => new([.. values.Select(v => (v, (string?)null))]);

    public bool HasLabels => _labels.Count > 0;

    public string? Label(string value) => _labels.GetValueOrDefault(value);

    /// <summary>The value a cell means: the value itself, or its label; null when neither.</summary>
    public string? ValueOf(ReadOnlySpan<char> text)
    {
        foreach (var value in _values)
            if (text.SequenceEqual(value)) return value;
        foreach (var (value, label) in _labels)
            if (text.SequenceEqual(label)) return value;
        return null;
    }

    /// <summary>Whether the value is one of these (not a label); on the array, where LINQ's Contains would enumerate the list.</summary>
    public bool Contains(string value) => Array.IndexOf(_values, value) >= 0;

    public int Count => _values.Length;
    public string this[int index] => _values[index];
    public IEnumerator<string> GetEnumerator() => ((IEnumerable<string>)_values).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
