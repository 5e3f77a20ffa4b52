using System.Globalization;

namespace Grassroots.Storage;

/// <summary>A row's key values in a form that compares equal whichever driver type they came back as.</summary>
internal readonly record struct RowKey(Table Table, string Text)
{
    public static RowKey Of(Table table, IReadOnlyList<object?> values) =>
        new(table, string.Join('\u001f', values.Select(Format)));

    private static string Format(object? value) => value switch
    {
        null or DBNull => "\u0000",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

/// <summary>
/// Keys of rows as the service made them, so of the same types on both sides (not as read back from a driver): equal
/// when their tables and each value are, compared without making text of them.
/// </summary>
internal sealed class MadeKeyComparer : IEqualityComparer<(Table Table, object?[] Key)>
{
    public static readonly MadeKeyComparer Instance = new();

    public bool Equals((Table Table, object?[] Key) a, (Table Table, object?[] Key) b)
    {
        if (a.Key.Length != b.Key.Length || !a.Table.Equals(b.Table)) return false;
        for (var i = 0; i < a.Key.Length; i++)
            if (!object.Equals(a.Key[i], b.Key[i])) return false;
        return true;
    }

    public int GetHashCode((Table Table, object?[] Key) key)
    {
        var hash = new HashCode();
        hash.Add(key.Table.Name);
        foreach (var value in key.Key) hash.Add(value);
        return hash.ToHashCode();
    }
}
