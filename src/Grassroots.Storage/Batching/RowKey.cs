using System.Globalization;

namespace Grassroots.Storage.Batching;

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
