using System.IO.Compression;
using System.Net;
using System.Text;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Grassroots.TestSupport;
using SpreadCheetah;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests.Imports;

/// <summary>
/// Spreadsheets an import must not read as rows: each is refused whole with a 400 that says what is wrong (413 past the
/// upload limit, as for CSV), and nothing of it is stored, not even its good rows.
/// </summary>
public sealed class BadSpreadsheetTests
{
    private const string Header = "ws.append(['基层工会编号', '记录编号', '活动编号', '标题', '举办日期', '形式', '参与人次'])";
    private const string GoodRow = "ws.append(['b1', 's1', 'c1', '学习', datetime.date(2020, 12, 4), '线下', 40])\nws['E2'].number_format = 'yyyy-mm-dd'";

    [OpenpyxlTheory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task EachIsRefusedWithA400SayingWhatIsWrongAndNothingIsStored(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        var cases = new (string What, byte[] Body, string Says)[]
        {
            ("CSV sent as a workbook", Encoding.UTF8.GetBytes("基层工会编号,记录编号\r\nb1,s1\r\n"), "not an Excel workbook"),
            ("an encrypted workbook", CompoundFile.Of(("EncryptionInfo", [4, 0, 4, 0, 64, 0, 0, 0]), ("EncryptedPackage", new byte[4096])), "encrypted"),
            ("an Excel 97–2003 workbook", CompoundFile.Of(("Workbook", new byte[4096])), ".xls"),
            ("a damaged zip", (await Openpyxl.WriteAsync($"{Header}\n{GoodRow}"))[..2_000], "damaged"),
            ("a zip bomb: one part unpacking 1,000 times its size", Zip(("xl/worksheets/sheet1.xml", 1, 40 << 20)), "zip bomb"),
            ("a zip bomb: parts of ordinary ratio, 300 MiB in all", Zip([.. Enumerable.Range(0, 300).Select(i => ($"xl/media/part{i}.bin", 128, 1 << 20))]),
                "unpacks to 314,572,800 bytes"),
            ("a formula", await Openpyxl.WriteAsync($"{Header}\n{GoodRow}\nws['G2'] = '=SUM(1, 39)'"), "Sheet!G2 holds a formula (=SUM(1, 39))"),
            ("a date as a bare serial number", await Openpyxl.WriteAsync($"{Header}\nws.append(['b1', 's1', 'c1', '学习', 44169, '线下', 40])"),
                "Sheet!E2, in the column 举办日期, holds the number 44169"),
            ("merged cells", await Openpyxl.WriteAsync($"{Header}\n{GoodRow}\nws.append(['b1', 's2', 'c1', '学习', None, '线下', 40])\nws.merge_cells('E2:E3')"),
                "Sheet!E2:E3 is a merged cell"),
            ("the rows on the second sheet", await Openpyxl.WriteAsync($"ws = wb.create_sheet('学习场次')\n{Header}\n{GoodRow}"),
                "The first sheet (Sheet) is empty; an import reads the first sheet only, and 学习场次 holds the rows"),
            ("a sheet to Excel's last row", await FullSheetAsync(), "more than 1,000,000 rows"),
            ("a DTD in a part (billion laughs)", await WithDtdAsync(await Openpyxl.WriteAsync($"{Header}\n{GoodRow}")), "not a readable .xlsx workbook"),
            ("no header the import knows", await Openpyxl.WriteAsync("ws.append(['甲', '乙'])\nws.append([1, 2])"), "The header has no column for branchId"),
        };
        var changes = await CountAsync(app, "SELECT count(*) FROM change_log");
        foreach (var (what, body, says) in cases)
        {
            var response = await client.PostXlsxAsync(body);
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest);
            var messages = string.Join(" ", problem.GetProperty("errors").EnumerateObject().SelectMany(e => e.Value.EnumerateArray().Select(m => m.GetString())));
            Assert.True(messages.Contains(says, StringComparison.Ordinal), $"{what}: expected '{says}' in: {messages}");
        }
        var tooLarge = new byte[(16 << 20) + 1];
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.PostXlsxAsync(tooLarge)).StatusCode);

        Assert.Equal(0, await CountAsync(app, "SELECT count(*) FROM study_sessions"));
        Assert.Equal(changes, await CountAsync(app, "SELECT count(*) FROM change_log"));
        Assert.Equal(0, await CountAsync(app, "SELECT count(*) FROM import_uploads"));
    }

    [OpenpyxlFact]
    public async Task TheEncryptedAndOldWorkbooksSentAreCompoundFilesAsOfficeWritesThem()
    {
        // Read by olefile, which Debian's msoffcrypto-tool (the tool that decrypts Office files) reads them with.
        foreach (var (file, streams) in new[]
                 {
                     (CompoundFile.Of(("EncryptionInfo", [4, 0, 4, 0, 64, 0, 0, 0]), ("EncryptedPackage", new byte[4096])), "EncryptedPackage,EncryptionInfo"),
                     (CompoundFile.Of(("Workbook", new byte[4096])), "Workbook"),
                 })
        {
            var path = Path.Combine(Path.GetTempPath(), $"grassroots-test-{Guid.NewGuid():N}.cfb");
            await File.WriteAllBytesAsync(path, file);
            try
            {
                var listed = await ProcessRunner.RunAsync(Openpyxl.Python,
                    ["-c", "import olefile, sys; print(','.join(sorted('/'.join(e) for e in olefile.OleFileIO(sys.argv[1]).listdir())))", path],
                    TimeSpan.FromMinutes(1));
                Assert.True(listed.ExitCode == 0, listed.Error);
                Assert.Equal(streams, listed.Output.Trim());
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    private static Task<long> CountAsync(GrassrootsApp app, string sql) =>
        app.Service<Database>().QueryAsync(sql, [], r => Convert.ToInt64(r.GetValue(0))).ContinueWith(t => t.Result.Single());

    /// <summary>A zip of parts, each of <c>size</c> bytes holding one random byte in every <c>every</c>: 1 in 1 is all zeros.</summary>
    private static byte[] Zip(params (string Name, int Every, int Size)[] parts)
    {
        var random = new Random(25);
        using var file = new MemoryStream();
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, every, size) in parts)
            {
                var content = new byte[size];
                if (every > 1) for (var i = 0; i < size; i += every) content[i] = (byte)random.Next(256);
                using var entry = zip.CreateEntry(name, CompressionLevel.SmallestSize).Open();
                entry.Write(content);
            }
        }
        return file.ToArray();
    }

    /// <summary>A sheet of a header and 1,048,575 rows, down to Excel's last (written with SpreadCheetah, which streams).</summary>
    private static async Task<byte[]> FullSheetAsync()
    {
        using var file = new MemoryStream();
        await using (var workbook = await Spreadsheet.CreateNewAsync(file))
        {
            await workbook.StartWorksheetAsync("Sheet");
            await workbook.AddRowAsync([new DataCell("基层工会编号"), new DataCell("记录编号"), new DataCell("活动编号"), new DataCell("标题"),
                new DataCell("举办日期"), new DataCell("形式"), new DataCell("参与人次")]);
            var row = new[] { new DataCell("b1") };
            for (var i = 1; i < 1_048_576; i++) await workbook.AddRowAsync(row);
            await workbook.FinishAsync();
        }
        return file.ToArray();
    }

    /// <summary>The workbook with its sheet's XML behind an internal DTD whose entities expand a billion times.</summary>
    private static async Task<byte[]> WithDtdAsync(byte[] workbook)
    {
        using var file = new MemoryStream();
        file.Write(workbook);
        using (var zip = new ZipArchive(file, ZipArchiveMode.Update, leaveOpen: true))
        {
            var sheet = zip.GetEntry("xl/worksheets/sheet1.xml")!;
            string xml;
            using (var reader = new StreamReader(sheet.Open())) xml = await reader.ReadToEndAsync();
            sheet.Delete();
            var laughs = "<!DOCTYPE worksheet [<!ENTITY a \"ha\">" + string.Concat(Enumerable.Range(1, 9).Select(i =>
                $"<!ENTITY {(char)('a' + i)} \"{string.Concat(Enumerable.Repeat($"&{(char)('a' + i - 1)};", 10))}\">")) + "]>";
            var start = xml.IndexOf("<worksheet", StringComparison.Ordinal);
            await using var writer = new StreamWriter(zip.CreateEntry("xl/worksheets/sheet1.xml").Open());
            await writer.WriteAsync(xml[..start] + laughs + xml[start..].Replace("<v>", "<v>&j;", StringComparison.Ordinal));
        }
        return file.ToArray();
    }
}
