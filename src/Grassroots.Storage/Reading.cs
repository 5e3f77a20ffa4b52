using System.Data.Common;
using System.Globalization;

namespace Grassroots.Storage;

/// <summary>Reads values whose driver type differs between SQLite (text, integers) and PostgreSQL.</summary>
public static class Reading
{
    public static DateOnly Date(this DbDataReader r, int i) => ToDate(r.GetValue(i));

    /// <summary>A date as either driver returns it: DateTime (Npgsql), DateOnly, or "yyyy-MM-dd…" text (SQLite).</summary>
    public static DateOnly ToDate(object? value) => value switch
    {
        DateTime t => DateOnly.FromDateTime(t),
        DateOnly d => d,
        string s => DateOnly.ParseExact(s[..10], "yyyy-MM-dd", CultureInfo.InvariantCulture),
        var v => throw new InvalidCastException($"Not a date: {v}"),
    };

    public static DateOnly? NullableDate(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.Date(i);

    public static DateTimeOffset Timestamp(this DbDataReader r, int i) => r.GetValue(i) switch
    {
        DateTime t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)),
        DateTimeOffset o => o,
        string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture),
        var v => throw new InvalidCastException($"Not a timestamp: {v}"),
    };

    public static string? Text(this DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    public static int? NullableInt(this DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToInt32(r.GetValue(i), CultureInfo.InvariantCulture);

    public static int Int(this DbDataReader r, int i) => Convert.ToInt32(r.GetValue(i), CultureInfo.InvariantCulture);

    public static long Long(this DbDataReader r, int i) => r.IsDBNull(i) ? 0 : Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);

    public static bool Bool(this DbDataReader r, int i) => Convert.ToBoolean(r.GetValue(i), CultureInfo.InvariantCulture);
}
