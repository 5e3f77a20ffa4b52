using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Grassroots.ImportBench;

/// <summary>
/// The generated study sessions the bench imports, in file order branch by branch as a county federation's sheet lists
/// them: as CSV (the API's headers, UTF-8), and as an Excel workbook written the way Excel writes one — every text in the
/// shared-string table, dates as serial numbers with a date format, the CSV template's Chinese headers.
/// </summary>
public static class StudySessionFiles
{
    public const string Campaign = "bench";
    public static readonly DateOnly Starts = new(2020, 11, 24);

    public static string BranchId(int b) => $"bench-{b:0000}";

    private static (string Branch, string Id, string Title, DateOnly Day, int Total, int Views) Row(int i, int rows, int branches, string prefix)
    {
        var perBranch = (rows + branches - 1) / branches;
        return (BranchId(i / perBranch), $"{prefix}{i:000000}", $"学习贯彻劳模表彰大会精神第{i}场", Starts.AddDays(i % 300), 10 + i % 90, i % 7);
    }

    public static byte[] Csv(int rows, int branches, string prefix)
    {
        var text = new StringBuilder(rows * 110);
        text.Append("branchId,id,campaignId,title,heldOn,format,kind,attendees.total,attendees.frontline,attendees.youth,attendees.women,onlineViews\r\n");
        for (var i = 0; i < rows; i++)
        {
            var (branch, id, title, day, total, views) = Row(i, rows, branches, prefix);
            text.Append(CultureInfo.InvariantCulture,
                $"{branch},{id},{Campaign},{title},{day:yyyy-MM-dd},offline,group-study,{total},{total / 2},{total / 3},{total / 4},{views}\r\n");
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static byte[] Xlsx(int rows, int branches, string prefix)
    {
        using var file = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(file, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook(new Sheets(new Sheet { Id = "sheet1", SheetId = 1, Name = "学习场次" }));
            workbook.AddNewPart<WorkbookStylesPart>().Stylesheet = new Stylesheet(
                new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = "yyyy-mm-dd" }) { Count = 1 },
                new Fonts(new Font()) { Count = 1 }, new Fills(new Fill(), new Fill()) { Count = 2 }, new Borders(new Border()) { Count = 1 },
                new CellFormats(new CellFormat { NumberFormatId = 0 }, new CellFormat { NumberFormatId = 164, ApplyNumberFormat = true }) { Count = 2 });
            var strings = new Dictionary<string, int>();
            using (var writer = OpenXmlWriter.Create(workbook.AddNewPart<WorksheetPart>("sheet1")))
            {
                writer.WriteStartElement(new Worksheet());
                writer.WriteStartElement(new SheetData());
                WriteRow(writer, 1, strings, ["基层工会编号", "记录编号", "活动编号", "标题", "举办日期", "形式", "类型", "参与人次", "一线职工人次", "青年职工人次", "女职工人次", "线上观看"]);
                for (var i = 0; i < rows; i++)
                {
                    var (branch, id, title, day, total, views) = Row(i, rows, branches, prefix);
                    WriteRow(writer, i + 2, strings, [branch, id, Campaign, title, day, "线下", "集中学习", total, total / 2, total / 3, total / 4, views]);
                }
                writer.WriteEndElement();
                writer.WriteEndElement();
            }
            workbook.AddNewPart<SharedStringTablePart>().SharedStringTable = new SharedStringTable(
                strings.OrderBy(s => s.Value).Select(s => new SharedStringItem(new Text(s.Key)))) { Count = (uint)strings.Count, UniqueCount = (uint)strings.Count };
        }
        return file.ToArray();
    }

    private static void WriteRow(OpenXmlWriter writer, int number, Dictionary<string, int> strings, object[] cells)
    {
        writer.WriteStartElement(new Row { RowIndex = (uint)number });
        for (var c = 0; c < cells.Length; c++)
        {
            var cell = new Cell { CellReference = $"{(char)('A' + c)}{number}" };
            switch (cells[c])
            {
                case string text:
                    if (!strings.TryGetValue(text, out var index)) strings[text] = index = strings.Count;
                    (cell.DataType, cell.CellValue) = (CellValues.SharedString, new CellValue(index));
                    break;
                case DateOnly day:
                    (cell.StyleIndex, cell.CellValue) = (1, new CellValue(day.ToDateTime(TimeOnly.MinValue).ToOADate().ToString(CultureInfo.InvariantCulture)));
                    break;
                case int count:
                    cell.CellValue = new CellValue(count);
                    break;
            }
            writer.WriteElement(cell);
        }
        writer.WriteEndElement();
    }
}
