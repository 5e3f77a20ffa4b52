using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using CsvHelper;
using Grassroots.Silo.Apis;

namespace Grassroots.Silo.Imports;

/// <summary>
/// Reads the rows of a CSV import with CsvHelper: one kind of record per file, a header naming each column by the API's
/// field name or its Chinese name (参与人次, 基层工会编号…), nested fields flattened (attendees.total). Cells become the
/// values the JSON body would carry; a cell that is not a number or a date where one is needed is a problem of its row.
/// </summary>
public sealed class CsvImportReader(Stream body, ImportKind kind, Encoding encoding)
{
    /// <summary>A record larger than this is refused (an unclosed quote must not swallow the file).</summary>
    public const int MaxRecordBytes = 1 << 20;

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy/M/d", "yyyy-M-d"];
    private static readonly char[] ListSeparators = [';', '；', '、', ',', '，', '|', ' '];

    /// <summary>Reads the header and every row; a header that cannot serve is an <see cref="ImportFormatException"/>.</summary>
    public async IAsyncEnumerable<ReadRow> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var options = new CsvReaderOptions
        {
            Encoding = encoding,
            TrimWhitespace = true,
            MaxRecordSize = MaxRecordBytes,
            DetectSeparatorHint = true,
        };
        await using var csv = CsvReader.Create(body, options, leaveOpen: true);
        try
        {
            await csv.ReadHeaderAsync(cancellationToken);
        }
        catch (CsvFormatException e)
        {
            throw new ImportFormatException("header", $"The file has no readable header row: {e.Message}");
        }
        var columns = MapHeader(csv.Headers, kind);
        while (await ReadAsync(csv, cancellationToken))
        {
            var row = kind.NewRow();
            var problems = new List<(string, string)>();
            foreach (var (index, column) in columns)
            {
                if (index >= csv.FieldCount) continue;
                var text = csv.GetString(index);
                if (string.IsNullOrEmpty(text)) continue;
                // A value may be written as its Chinese label (形式: 线下), as sheets kept by hand are.
                if (column.Values?.ValueOf(text) is { } named) text = named;
                if (Convert(text, column.ValueType) is { } value) column.Set(row, value);
                else problems.Add((column.Field, Explain(text, column.ValueType)));
            }
            yield return new ReadRow(kind, csv.RowNumber + 1, null, (IImportRow)row, problems);
        }
    }

    private static async Task<bool> ReadAsync(CsvReader csv, CancellationToken cancellationToken)
    {
        try
        {
            return await csv.ReadAsync(cancellationToken);
        }
        catch (CsvFormatException e)
        {
            throw new ImportFormatException("body", $"The file cannot be read as CSV after line {csv.RowNumber + 1}: {e.Message}");
        }
    }

    /// <summary>Which column holds which field: every required field must have one, and no field two.</summary>
    public static List<(int Index, ImportColumn Column)> MapHeader(IReadOnlyList<string> headers, ImportKind kind)
    {
        var mapped = new List<(int, ImportColumn)>();
        for (var i = 0; i < headers.Count; i++)
        {
            var name = headers[i].Trim().TrimStart('\uFEFF');
            var column = kind.Columns.FirstOrDefault(c => c.Headers.Any(h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase)));
            if (column is null) continue; // a column of the sheet's own (序号, a remark): not part of the record
            if (mapped.Any(m => m.Item2 == column))
                throw new ImportFormatException("header", $"Two columns name the field {column.Field} ({string.Join(", ", column.Headers)}).");
            mapped.Add((i, column));
        }
        var missing = kind.Columns.Where(c => c.Required && mapped.All(m => m.Item2 != c)).ToList();
        if (missing.Count > 0)
            throw new ImportFormatException("header", $"The header has no column for {string.Join("; ", missing.Select(c => $"{c.Field} ({string.Join(" / ", c.Headers.Skip(1))})"))}. " +
                $"Columns of {kind.Type}: {string.Join(", ", kind.Columns.Select(c => c.Field))}.");
        return mapped;
    }

    private static object? Convert(string text, Type type)
    {
        if (type == typeof(string)) return text;
        if (type == typeof(int))
            return int.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var n) ? n : null;
        if (type == typeof(DateOnly))
            return DateOnly.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        // A list of ids in one cell, separated as people write lists: "h1;h2", "h1、h2".
        return (IReadOnlyList<string?>)[.. text.Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
    }

    private static string Explain(string text, Type type) => type == typeof(int)
        ? $"'{text}' is not a whole number."
        : $"'{text}' is not a date written YYYY-MM-DD.";
}
