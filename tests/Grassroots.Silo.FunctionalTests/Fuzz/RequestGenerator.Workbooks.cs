using System.Globalization;
using System.Text;
using CsCheck;
using Grassroots.Silo.Imports;
using SpreadCheetah;

namespace Grassroots.Silo.FunctionalTests.Fuzz;

/// <summary>
/// Excel bodies for POST /api/imports, which the document describes as a binary file and JSON cannot reach: a workbook
/// whose first sheet has one kind's Chinese headers and rows of what offices type — ids, labels and values, dates as dates,
/// as text and as bare serial numbers, whole numbers, text starting = + - @ and text holding characters the policy
/// forbids, empty cells — and, broken, a formula, merged cells, the rows on the second sheet only, a workbook cut short,
/// and bytes that are no zip.
/// </summary>
public sealed partial class RequestGenerator
{
    private static readonly string[] FormulaPrefixes = ["", "", "", "=", "+", "-", "@"];

    private Gen<FuzzRequest> Workbook(ApiOperation operation) =>
        from request in Valid(operation)
        from kind in Pick([.. ImportKinds.All])
        from rows in Row(kind).Array[0, 6]
        from damage in Gen.Frequency<string?>((12, null), (1, "formula"), (1, "merged cells"), (1, "rows on the second sheet"), (1, "cut short"), (1, "not a zip"))
        select request with
        {
            Url = SetQuery(request.Url, "type", kind.Type), Body = null, ContentType = ImportFormat.XlsxMediaType,
            Bytes = WorkbookBytes(kind, rows, damage), Broken = damage is null ? null : $"workbook: {damage}",
        };

    private static Gen<Cell[]> Row(ImportKind kind) => kind.Columns.Aggregate(Gen.Const(Array.Empty<Cell>()),
        (cells, column) => from before in cells from cell in CellFor(column) select (Cell[])[.. before, cell]);

    private static Gen<Cell> CellFor(ImportColumn column) => Gen.Frequency(
        (1, Gen.Const(new Cell())),
        (1, FreeText.Select(t => new Cell(t))),
        (6, column.Field switch
        {
            "branchId" => Pick([.. Branches, "b9"]).Select(t => new Cell(t)),
            "id" when column.Headers.Contains("基层工会编号") => Pick("b1", "b2", "x1", "x2").Select(t => new Cell(t)),
            "id" => Pick(RecordIds).Select(t => new Cell(t)),
            "campaignId" => Pick(Campaigns).Select(t => new Cell(t)),
            "honoreeIds" => Pick([.. Honorees, "h1;h2", "h9"]).Select(t => new Cell(t)),
            "regionCode" => Pick(Counties).Select(t => int.Parse(t, CultureInfo.InvariantCulture)).Select(c => new Cell(c)),
            _ when column.Values is { } values => Pick([.. values.SelectMany(v => new[] { v, values.Label(v) ?? v })]).Select(t => new Cell(t)),
            _ => column.Value switch
            {
                ColumnValue.Date => Gen.Frequency(
                    (4, Gen.Int[0, 60].Select(d => new Cell(new DateTime(2020, 11, 20).AddDays(d)))),
                    (2, Gen.Int[0, 60].Select(d => new Cell(new DateOnly(2020, 11, 20).AddDays(d).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))),
                    (1, Pick(BadDates).Select(t => new Cell(t))),
                    (1, Gen.Int[44100, 44300].Select(serial => new Cell(serial)))),
                ColumnValue.Whole => Gen.Frequency((6, Gen.Int[0, 500].Select(n => new Cell(n))), (1, Pick(-1, 2_000_000_000).Select(n => new Cell(n))),
                    (1, Gen.Double[0, 100].Select(n => new Cell(n)))),
                _ => FreeText.Select(t => new Cell(t)),
            },
        }));

    /// <summary>Text as offices type it, now and then starting as a formula would or holding a character the policy forbids.</summary>
    private static readonly Gen<string> FreeText =
        from prefix in Pick(FormulaPrefixes)
        from letters in Pick(TextAlphabet).Array[1, 12]
        from forbidden in Gen.Frequency((6, Gen.Const("")), (1, Pick(ForbiddenText)))
        select prefix + string.Concat(letters) + forbidden;

    private static byte[] WorkbookBytes(ImportKind kind, Cell[][] rows, string? damage)
    {
        if (damage == "not a zip")
            return Encoding.UTF8.GetBytes(string.Join(',', kind.Columns.Select(c => c.Title)) + "\r\n");
        using var file = new MemoryStream();
        // The generator runs synchronously; SpreadCheetah writes to a MemoryStream without waiting on anything.
        WriteAsync().GetAwaiter().GetResult();
        var bytes = file.ToArray();
        return damage == "cut short" ? bytes[..(bytes.Length / 2)] : bytes;

        async Task WriteAsync()
        {
            await using var workbook = await Spreadsheet.CreateNewAsync(file);
            if (damage == "rows on the second sheet") await workbook.StartWorksheetAsync("空白");
            await workbook.StartWorksheetAsync("数据");
            await workbook.AddRowAsync([.. kind.Columns.Select(c => new Cell(c.Title))]);
            foreach (var row in rows) await workbook.AddRowAsync(row);
            if (damage == "formula") await workbook.AddRowAsync([new Cell(new Formula("SUM(1,2)")), new Cell("x")]);
            if (damage == "merged cells")
            {
                await workbook.AddRowAsync([new Cell("b1"), new Cell("r1")]);
                workbook.MergeCells($"A{rows.Length + 2}:B{rows.Length + 2}");
            }
            await workbook.FinishAsync();
        }
    }
}
