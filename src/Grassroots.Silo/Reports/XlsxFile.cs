using Grassroots.Domain;
using SpreadCheetah;
using SpreadCheetah.Styling;
using SpreadCheetah.Validations;
using SpreadCheetah.Worksheets;

namespace Grassroots.Silo.Reports;

/// <summary>How a column's values show in a sheet the service writes.</summary>
public enum SheetValue
{
    Text,
    /// <summary>A whole number, with thousands separated (12,345).</summary>
    Whole,
    /// <summary>A share from 0 to 1, as a percentage (83.4%).</summary>
    Share,
    /// <summary>A date (2020-12-04), stored as Excel's date.</summary>
    Date,
    /// <summary>A time in Beijing (2020-12-04 09:30:00), stored as Excel's date and time.</summary>
    Time,
}

/// <summary>
/// A column of a sheet the service writes: its Chinese header, its width in characters, how its values show, and, for a
/// template, the values a cell may take (its labels), offered as a dropdown.
/// </summary>
public sealed record SheetColumn(string Header, double Width, SheetValue Value = SheetValue.Text)
{
    public IReadOnlyList<string>? Choices { get; init; }

    /// <summary>A dropdown of the first column of another sheet of the workbook: "=SHEET!$A$2:$A$n".</summary>
    public (string Sheet, int Rows)? ChoicesFrom { get; init; }
}

/// <summary>
/// An Excel workbook (.xlsx) written as it goes with SpreadCheetah, so a report of any length is streamed and never held
/// whole: each sheet's header row bold, shaded and frozen, its columns as wide as they were declared, numbers and dates as
/// Excel's numbers and dates in their formats. Text is written as text, never as a formula, whatever it starts with.
/// </summary>
public sealed class XlsxFile : IAsyncDisposable
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    /// <summary>Rows of a template that get the dropdowns and formats (a county's year of sessions fits many times over).</summary>
    public const int TemplateRows = 5_000;

    /// <summary>A spreadsheet's name of the column at this position from 0: A … Z, AA …</summary>
    public static string Letter(int index)
    {
        var letters = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26) letters = (char)('A' + (n - 1) % 26) + letters;
        return letters;
    }

    private readonly Spreadsheet _workbook;
    private readonly StyleId _header;
    private readonly Dictionary<SheetValue, (Style Style, StyleId Id)> _styles;
    private IReadOnlyList<SheetColumn> _columns = [];
    private Cell[] _row = [];

    private XlsxFile(Spreadsheet workbook)
    {
        _workbook = workbook;
        _header = workbook.AddStyle(new Style { Font = { Bold = true }, Fill = { Color = System.Drawing.Color.FromArgb(0xFF, 0xDD, 0xEB, 0xF7) } });
        _styles = new[]
        {
            (SheetValue.Whole, NumberFormat.Custom("#,##0")), (SheetValue.Share, NumberFormat.Custom("0.0%")),
            (SheetValue.Date, NumberFormat.Custom("yyyy-mm-dd")), (SheetValue.Time, NumberFormat.Custom("yyyy-mm-dd hh:mm:ss")),
            (SheetValue.Text, NumberFormat.Standard(StandardNumberFormat.Text)),
        }.ToDictionary(f => f.Item1, f => new Style { Format = f.Item2 } is var style ? (style, workbook.AddStyle(style)) : default);
    }

    public static async Task<XlsxFile> CreateAsync(Stream body, CancellationToken cancellationToken) =>
        new(await Spreadsheet.CreateNewAsync(body, cancellationToken: cancellationToken));

    /// <summary>
    /// Starts a sheet with its header row. With <paramref name="templateRows"/>, that many rows below the header are a
    /// template's: each column formatted as its values show (dates as dates), and a dropdown where a column has choices.
    /// </summary>
    public async Task StartSheetAsync(string name, IReadOnlyList<SheetColumn> columns, int templateRows = 0, CancellationToken cancellationToken = default)
    {
        var options = new WorksheetOptions { FrozenRows = 1 };
        for (var i = 0; i < columns.Count; i++)
        {
            options.Column(i + 1).Width = columns[i].Width;
            if (templateRows > 0) options.Column(i + 1).DefaultStyle = _styles[columns[i].Value].Style;
        }
        await _workbook.StartWorksheetAsync(name, options, cancellationToken);
        (_columns, _row) = (columns, new Cell[columns.Count]);
        await _workbook.AddRowAsync([.. columns.Select(c => new Cell(c.Header, _header))], cancellationToken);
        if (templateRows == 0) return;
        for (var i = 0; i < columns.Count; i++)
        {
            var cells = $"{Letter(i)}2:{Letter(i)}{templateRows + 1}";
            if (columns[i].Choices is { Count: > 0 } choices) _workbook.AddDataValidation(cells, DataValidation.ListValues(choices, showDropdown: true));
            else if (columns[i].ChoicesFrom is var (sheet, rows))
                _workbook.AddDataValidation(cells, DataValidation.ListValuesFromCells(sheet, $"$A$2:$A${rows + 1}", showDropdown: true));
        }
    }

    /// <summary>A row of values in the sheet's column order: text, whole numbers, shares, dates, times; null for an empty cell.</summary>
    public ValueTask AddRowAsync(IReadOnlyList<object?> values, CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < _row.Length; i++)
        {
            var value = i < values.Count ? values[i] : null;
            _row[i] = value switch
            {
                null => new Cell((string?)null),
                string text => new Cell(text),
                int whole => new Cell(whole, _styles[SheetValue.Whole].Id),
                long whole => new Cell(whole, _styles[SheetValue.Whole].Id),
                double share when _columns[i].Value == SheetValue.Share => new Cell(share, _styles[SheetValue.Share].Id),
                double number => new Cell(number),
                DateOnly day => new Cell(day.ToDateTime(TimeOnly.MinValue), _styles[SheetValue.Date].Id),
                DateTimeOffset at => new Cell(at.ToOffset(ServiceClock.ChinaOffset).DateTime, _styles[SheetValue.Time].Id),
                var other => new Cell(Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture)),
            };
        }
        return _workbook.AddRowAsync(_row, cancellationToken);
    }

    public Task FinishAsync(CancellationToken cancellationToken = default) => _workbook.FinishAsync(cancellationToken).AsTask();

    public ValueTask DisposeAsync() => _workbook.DisposeAsync();

    /// <summary>
    /// A report's answer: the workbook written to a temporary file as its rows are read, then sent. The zip SpreadCheetah
    /// writes through closes each part with a synchronous write, which a response body refuses; a file takes it, and keeps
    /// a long report out of memory.
    /// </summary>
    public static Microsoft.AspNetCore.Http.HttpResults.PushStreamHttpResult Stream(string fileName, CancellationToken aborted, Func<XlsxFile, Task> write) =>
        TypedResults.Stream(async body =>
        {
            await using var spool = new FileStream(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"grassroots-report-{Guid.NewGuid():N}.xlsx"),
                FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 << 10, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            await using (var file = await CreateAsync(spool, aborted))
            {
                await write(file);
                await file.FinishAsync(aborted);
            }
            spool.Position = 0;
            await spool.CopyToAsync(body, aborted);
        }, ContentType, fileName);
}
