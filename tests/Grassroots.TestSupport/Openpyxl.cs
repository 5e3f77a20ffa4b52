using System.Text.Json;
using Xunit;

namespace Grassroots.TestSupport;

/// <summary>
/// Workbooks made and read by openpyxl (Debian's python3-openpyxl, under /usr/bin/python3), a spreadsheet library the
/// service does not use: the Excel files the tests send are written as a spreadsheet program writes them (shared strings,
/// number formats, merged cells, formulas, several sheets), and those the service writes are read back by a reader of
/// its own. The dashboard's tests fill in the templates the page downloads with it. .ci/run installs it; elsewhere the tests that need it are skipped, saying why.
/// </summary>
public static class Openpyxl
{
    public const string Python = "/usr/bin/python3";

    private static readonly Lazy<bool> Installed = new(() =>
    {
        if (!File.Exists(Python)) return false;
        var check = ProcessRunner.RunAsync(Python, ["-c", "import openpyxl"], TimeSpan.FromMinutes(1)).GetAwaiter().GetResult();
        return check.ExitCode == 0;
    });

    private static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? SkipReason => InCi || Installed.Value ? null : "The Excel tests need openpyxl (apt-get install python3-openpyxl; .ci/run does).";

    /// <summary>
    /// A workbook made by Python code that fills <c>wb</c>, an openpyxl Workbook whose first sheet is <c>ws</c>
    /// (<c>from openpyxl import Workbook</c> and <c>datetime</c> are imported).
    /// </summary>
    public static async Task<byte[]> WriteAsync(string fill)
    {
        var path = Path.Combine(Path.GetTempPath(), $"grassroots-test-{Guid.NewGuid():N}.xlsx");
        try
        {
            await RunAsync($"""
                import datetime, sys
                from openpyxl import Workbook
                wb = Workbook()
                ws = wb.active
                {fill}
                wb.save(sys.argv[1])
                """, path);
            return await File.ReadAllBytesAsync(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// What openpyxl reads in a workbook, sheet by sheet: name, frozen cell, column widths, data validations (range, type,
    /// formula), and each row's cells as value (dates as yyyy-mm-dd, text, numbers), type and number format.
    /// </summary>
    public static async Task<JsonElement> ReadAsync(byte[] xlsx)
    {
        var path = Path.Combine(Path.GetTempPath(), $"grassroots-test-{Guid.NewGuid():N}.xlsx");
        await File.WriteAllBytesAsync(path, xlsx);
        try
        {
            var json = await RunAsync("""
                import datetime, json, sys
                from openpyxl import load_workbook
                wb = load_workbook(sys.argv[1])
                def value(v):
                    if isinstance(v, datetime.datetime): return v.strftime('%Y-%m-%d %H:%M:%S') if (v.hour or v.minute or v.second) else v.strftime('%Y-%m-%d')
                    return v
                sheets = []
                for ws in wb.worksheets:
                    sheets.append({
                        'name': ws.title,
                        'freeze': ws.freeze_panes,
                        'widths': {k: d.width for k, d in ws.column_dimensions.items() if d.width},
                        'validations': [{'cells': str(v.sqref), 'type': v.type, 'formula': v.formula1} for v in ws.data_validations.dataValidation],
                        'rows': [[{'value': value(c.value), 'type': c.data_type, 'format': c.number_format} for c in row] for row in ws.iter_rows()],
                        'columnFormats': {k: d.number_format for k, d in ws.column_dimensions.items()},
                    })
                print(json.dumps(sheets, ensure_ascii=False, default=str))
                """, path);
            return JsonDocument.Parse(json).RootElement.Clone();
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Runs a Python script with openpyxl at hand and answers what it printed; a failing script fails the test.</summary>
    public static async Task<string> RunAsync(string script, params string[] args)
    {
        var result = await ProcessRunner.RunAsync(Python, ["-c", script, .. args], TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, $"openpyxl failed: {result.Error}");
        return result.Output;
    }
}

/// <summary>A test that makes or reads workbooks with openpyxl; see <see cref="Openpyxl.SkipReason"/>.</summary>
public sealed class OpenpyxlTheoryAttribute : TheoryAttribute
{
    public OpenpyxlTheoryAttribute() => Skip = Openpyxl.SkipReason;
}

/// <summary>A fact that makes or reads workbooks with openpyxl; see <see cref="Openpyxl.SkipReason"/>.</summary>
public sealed class OpenpyxlFactAttribute : FactAttribute
{
    public OpenpyxlFactAttribute() => Skip = Openpyxl.SkipReason;
}
