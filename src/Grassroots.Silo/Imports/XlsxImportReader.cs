using System.Globalization;
using System.Runtime.CompilerServices;
using System.Xml;

namespace Grassroots.Silo.Imports;

/// <summary>
/// Reads the rows of an Excel import: the workbook's first sheet, its first row with a value being the header (the CSV
/// templates' headers, Chinese or the API's), then one row of one kind per sheet row, read as a stream of XML so only the
/// row being read is in memory besides the shared strings. Text cells are read as CSV cells are (Chinese labels
/// included); number cells as numbers, and as dates where their format shows a date. What a CSV file cannot hold is
/// refused with a 400 naming the sheet and cell, so that nothing is imported from a sheet read other than as it shows:
/// a formula (its text is never evaluated, and its cached result may be stale), merged cells, a date column holding a
/// bare number (a date that lost its format), more than <see cref="MaxRows"/> rows, or rows on another sheet than the first.
/// </summary>
public sealed class XlsxImportReader(Stream body, ImportKind kind)
{
    /// <summary>
    /// Rows a sheet may hold: fewer than Excel's 1,048,576, so a sheet filled to Excel's last row (a value or a formula
    /// dragged down) is refused rather than read for minutes.
    /// </summary>
    public const int MaxRows = 1_000_000;

    public async IAsyncEnumerable<ReadRow> ReadAsync(long firstOrdinal = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        using var workbook = XlsxWorkbook.Open(body);
        if (workbook.Sheets.Count == 0) throw XlsxWorkbook.Refused("The workbook has no sheet.");
        var (sheet, path) = workbook.Sheets[0];
        using var xml = workbook.Part(path) ?? throw XlsxWorkbook.Refused($"The workbook's first sheet ({sheet}) is missing from the file.");
        var names = new Names(xml.NameTable);
        List<string>? headerCells = [];
        ImportRowBuilder? builder = null;
        var (line, position, ordinal, rows) = (0L, -1, firstOrdinal, 0L);
        while (xml.Read())
        {
            if (xml.NodeType == XmlNodeType.EndElement && (object)xml.LocalName == names.Row)
            {
                if (EndRow() is { } row) yield return row;
                continue;
            }
            if (xml.NodeType != XmlNodeType.Element) continue;
            var name = xml.LocalName;
            if ((object)name == names.Row)
            {
                line = long.TryParse(xml.GetAttribute("r"), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : line + 1;
                position = -1;
                builder?.Begin();
                if (xml.IsEmptyElement && EndRow() is { } empty) yield return empty;
            }
            else if ((object)name == names.Cell)
            {
                cancellationToken.ThrowIfCancellationRequested();
                Cell();
            }
            else if ((object)name == names.MergeCell)
                throw XlsxWorkbook.Refused($"{sheet}!{xml.GetAttribute("ref")} is a merged cell. Unmerge the cells, giving each row its own values, and import again.");
        }
        if (builder is null)
        {
            var others = workbook.Sheets.Skip(1).Where(s => workbook.HasCells(s.Path)).Select(s => s.Name).ToList();
            throw XlsxWorkbook.Refused(others.Count == 0
                ? $"The first sheet ({sheet}) is empty."
                : $"The first sheet ({sheet}) is empty; an import reads the first sheet only, and {string.Join(", ", others)} holds the rows. Move that sheet first.");
        }

        ReadRow? EndRow()
        {
            if (builder is null)
            {
                if (headerCells.All(string.IsNullOrWhiteSpace)) return null;
                builder = new ImportRowBuilder(ImportHeader.Map(headerCells, kind, sheet));
                return null;
            }
            var row = builder.End(line, ordinal);
            if (row is null) return null;
            if (++rows > MaxRows)
                throw XlsxWorkbook.Refused($"The sheet {sheet} has more than {MaxRows:N0} rows (Excel's last is 1,048,576); split it into files of fewer rows.");
            ordinal++;
            return row;
        }

        void Cell()
        {
            var (reference, type, style) = (xml.GetAttribute("r"), xml.GetAttribute("t"), xml.GetAttribute("s"));
            position = reference is null ? position + 1 : Column(reference);
            if (xml.IsEmptyElement) return;
            string? value = null;
            var depth = xml.Depth;
            xml.Read();
            while (xml.Depth > depth)
            {
                if (xml.NodeType == XmlNodeType.Element && (object)xml.LocalName == names.Formula)
                    throw XlsxWorkbook.Refused($"{sheet}!{reference} holds a formula ({FormulaText(xml)}), which an import never evaluates. " +
                        "Copy the cells and paste them as values, then import again.");
                if (xml.NodeType == XmlNodeType.Element && (object)xml.LocalName == names.Value) value = xml.ReadElementContentAsString();
                else if (xml.NodeType == XmlNodeType.Element && (object)xml.LocalName == names.InlineText) value = XlsxWorkbook.ReadText(xml);
                else xml.Read();
            }
            if (value is null) return;
            var text = type switch
            {
                "s" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < workbook.SharedStrings.Count
                    ? workbook.SharedStrings[index]
                    : throw XlsxWorkbook.Refused($"{sheet}!{reference} names a shared string the workbook does not hold."),
                "b" => value == "1" ? "TRUE" : "FALSE",
                "d" => value.Length > 10 ? value[..10] : value, // an ISO 8601 date cell
                "inlineStr" or "str" or "e" => value,
                _ => null, // a number
            };
            if (builder is null)
            {
                while (headerCells.Count <= position) headerCells.Add("");
                headerCells[position] = text ?? value;
            }
            else if (text is not null) builder.Text(position, text);
            else if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                throw XlsxWorkbook.Refused($"{sheet}!{reference} holds '{value}', which is no number.");
            else if (!builder.Number(position, number, int.TryParse(style, out var s) && s < workbook.DateStyles.Count && workbook.DateStyles[s]))
                throw XlsxWorkbook.Refused($"{sheet}!{reference}, in the column {builder.Header.Columns[position]!.Title}, holds the number {value}, " +
                    "not a date: the cell has lost its date format (Excel keeps a date as a count of days). Format the column as a date, or write dates as YYYY-MM-DD.");
        }
    }

    /// <summary>The column of a cell reference such as E5, from 0.</summary>
    private static int Column(string reference)
    {
        var column = 0;
        foreach (var c in reference)
        {
            if (c is < 'A' or > 'Z') break;
            column = column * 26 + (c - 'A' + 1);
        }
        return column - 1;
    }

    private static string FormulaText(XmlReader xml)
    {
        var formula = xml.IsEmptyElement ? "" : xml.ReadElementContentAsString();
        return "=" + (formula.Length > 40 ? formula[..40] + "…" : formula);
    }

    /// <summary>The sheet's element names, atomized once so each comparison is a reference comparison.</summary>
    private sealed class Names(XmlNameTable table)
    {
        public readonly string Row = table.Add("row"), Cell = table.Add("c"), Value = table.Add("v"), Formula = table.Add("f"),
            InlineText = table.Add("is"), MergeCell = table.Add("mergeCell");
    }
}
