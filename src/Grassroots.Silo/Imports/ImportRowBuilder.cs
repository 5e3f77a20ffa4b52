using System.Globalization;
using Grassroots.Domain;

namespace Grassroots.Silo.Imports;

/// <summary>
/// Makes import rows of the cells of a table (CSV or Excel), one row at a time: each cell becomes the value the JSON body
/// would carry, stored by its column's compiled setter, and a cell that is not a number or a date where one is needed is
/// a problem of its row. A value may be written as its Chinese label (形式: 线下), as sheets kept by hand hold them. A row
/// with no value at all (a blank line, a sheet's empty row) is no row.
/// </summary>
public sealed class ImportRowBuilder(ImportHeader header)
{
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy/M/d", "yyyy-M-d"];
    private static readonly char[] ListSeparators = [';', '；', '、', ',', '，', '|', ' '];

    // The last text of each column, reused when the next row repeats it (a file lists a branch's rows together).
    private readonly string?[] _last = new string?[header.Columns.Count];
    private object _row = null!;
    private List<(string, string)>? _problems;
    private bool _any;

    public ImportHeader Header => header;

    public void Begin()
    {
        _row = header.Kind.NewRow();
        _problems = null;
        _any = false;
    }

    /// <summary>A cell's text, as a CSV file holds every cell and an Excel sheet its text cells; blank is no value.</summary>
    public void Text(int position, ReadOnlySpan<char> text)
    {
        if (position >= header.Columns.Count || header.Columns[position] is not { } column) return;
        text = text.Trim();
        if (text.IsEmpty) return;
        _any = true;
        switch (column.Value)
        {
            case ColumnValue.Text:
                column.SetText(_row, column.Values?.ValueOf(text) ?? Keep(position, text));
                break;
            case ColumnValue.Whole:
                if (int.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var whole))
                    column.SetWhole(_row, whole);
                else Problem(column, new(MessageKeys.ImportNotWholeNumber, text.ToString()));
                break;
            case ColumnValue.Date:
                // The form the API and the templates write first: one format is quicker to try than three.
                if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                    || DateOnly.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out date)) column.SetDate(_row, date);
                else Problem(column, new(MessageKeys.ImportNotDate, text.ToString()));
                break;
            default:
                // A list of ids in one cell, separated as people write lists: "h1;h2", "h1、h2".
                column.SetIds(_row, [.. text.ToString().Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]);
                break;
        }
    }

    /// <summary>
    /// A number cell of an Excel sheet, <paramref name="dated"/> when its number format shows a date (Excel keeps a date
    /// as the number of days since 1899-12-30). False for a number without a date format in a date column: a date that
    /// lost its format, whose serial number no reader of the sheet can tell from a count.
    /// </summary>
    public bool Number(int position, double number, bool dated)
    {
        if (position >= header.Columns.Count || header.Columns[position] is not { } column) return true;
        _any = true;
        var whole = number == Math.Floor(number) && Math.Abs(number) < 1e15;
        switch (column.Value)
        {
            case ColumnValue.Whole when whole && number is >= int.MinValue and <= int.MaxValue:
                column.SetWhole(_row, (int)number);
                return true;
            case ColumnValue.Whole:
                Problem(column, new(MessageKeys.ImportNotWholeNumber, number));
                return true;
            case ColumnValue.Date when !dated:
                return false;
            case ColumnValue.Date when DayOf(number) is { } day:
                column.SetDate(_row, day);
                return true;
            case ColumnValue.Date:
                Problem(column, new(MessageKeys.ImportNotExcelDate, number));
                return true;
            default:
                var text = dated && DayOf(number) is { } shown ? shown.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
                    : whole ? ((long)number).ToString(CultureInfo.InvariantCulture) : number.ToString(CultureInfo.InvariantCulture);
                Text(position, text);
                return true;
        }
    }

    /// <summary>The row the cells since <see cref="Begin"/> make, or null when they held no value.</summary>
    public ReadRow? End(long line, long ordinal) => _any
        ? new ReadRow(header.Kind, ordinal, line, null, (Apis.IImportRow)_row, (IReadOnlyList<(string, string)>?)_problems ?? []) { Place = header.Place }
        : null;

    private string Keep(int position, ReadOnlySpan<char> text)
    {
        if (_last[position] is { } last && text.SequenceEqual(last)) return last;
        return _last[position] = text.ToString();
    }

    /// <summary>A problem of the row, said in English as an import's conflicts are (made only for a row that has one).</summary>
    private void Problem(ImportColumn column, Message message) => (_problems ??= []).Add((column.Field, message.English));

    /// <summary>The day of an Excel date serial number (its time of day ignored); null outside the dates Excel shows.</summary>
    private static DateOnly? DayOf(double serial) =>
        serial is >= 1 and < 2958466 ? DateOnly.FromDateTime(DateTime.FromOADate(Math.Floor(serial))) : null;
}
