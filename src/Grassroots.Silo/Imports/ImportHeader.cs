using Grassroots.Domain;
using Grassroots.Silo.Reports;

namespace Grassroots.Silo.Imports;

/// <summary>
/// Where the rows of one table are — a CSV file, or an Excel file's first sheet (<see cref="Sheet"/>) — so that a
/// problem of a row can name its sheet and the column letter of its field as a spreadsheet shows them.
/// </summary>
public sealed class TablePlace(string? sheet, IReadOnlyDictionary<string, string> columns)
{
    public string? Sheet { get; } = sheet;

    /// <summary>The column letter of a field (honoreeIds[1] is in honoreeIds' column); null for a field no column holds.</summary>
    public string? ColumnOf(string field)
    {
        var bracket = field.IndexOf('[', StringComparison.Ordinal);
        return columns.GetValueOrDefault(bracket < 0 ? field : field[..bracket]);
    }
}

/// <summary>
/// The header row of a CSV file or an Excel sheet, read against one kind of row: which of its columns holds which field
/// (named by the API's field name or a Chinese name, in any case), every required field having one and no field two.
/// Columns of the sheet's own (序号, a remark) are left out.
/// </summary>
public sealed class ImportHeader
{
    private ImportHeader(ImportKind kind, ImportColumn?[] columns, TablePlace place) => (Kind, Columns, Place) = (kind, columns, place);

    public ImportKind Kind { get; }

    /// <summary>The column each position of the table holds, null where it holds none of the row's.</summary>
    public IReadOnlyList<ImportColumn?> Columns { get; }

    public TablePlace Place { get; }

    /// <summary>The header's map; an <see cref="ImportFormatException"/> naming the header when it cannot serve.</summary>
    public static ImportHeader Map(IReadOnlyList<string> headers, ImportKind kind, string? sheet = null)
    {
        var columns = new ImportColumn?[headers.Count];
        var letters = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < headers.Count; i++)
        {
            var name = headers[i].Trim().TrimStart('\uFEFF');
            var column = kind.Columns.FirstOrDefault(c => c.Headers.Any(h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase)));
            if (column is null) continue;
            if (letters.ContainsKey(column.Field))
                throw new ImportFormatException("header", new Message(MessageKeys.ImportHeaderTwice, column.Field, string.Join(", ", column.Headers)));
            columns[i] = column;
            letters[column.Field] = XlsxFile.Letter(i);
        }
        var missing = kind.Columns.Where(c => c.Required && !letters.ContainsKey(c.Field)).ToList();
        if (missing.Count > 0)
            throw new ImportFormatException("header", new Message(MessageKeys.ImportHeaderMissing,
                string.Join("; ", missing.Select(c => $"{c.Field} ({string.Join(" / ", c.Headers.Skip(1))})")), kind.Type, string.Join(", ", kind.Columns.Select(c => c.Field))));
        return new ImportHeader(kind, columns, new TablePlace(sheet, letters));
    }
}
