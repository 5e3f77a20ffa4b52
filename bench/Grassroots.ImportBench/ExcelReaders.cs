using System.Diagnostics;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using Grassroots.Silo.Imports;

namespace Grassroots.ImportBench;

/// <summary>
/// The Excel readers that restore here, each reading every cell of the same generated sheet of study sessions (written
/// as Excel writes one: shared strings, dates with a date format) as text or a number, beside the service's own reader
/// (zip and XmlReader from the framework) making its import rows of the same sheet. Each runs three times in this process;
/// the figures are of the last run, warm. Memory is the working set's growth at its peak.
/// </summary>
public static class ExcelReaders
{
    public static int Run(ImportBenchOptions options)
    {
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance); // ExcelDataReader asks for code page 1252
        var xlsx = StudySessionFiles.Xlsx(options.XlsxRows, options.Branches, "x");
        Console.WriteLine($"a sheet of {options.XlsxRows:N0} rows, {xlsx.Length / 1048576.0:0.0} MiB of .xlsx; each reader three times, the last run reported");
        Console.WriteLine("| reader | rows/s | CPU µs/row | allocated B/row | working set growth |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var only = Environment.GetEnvironmentVariable("GRASSROOTS_EXCEL_READER"); // one reader alone, e.g. under a profiler
        foreach (var (name, read) in new (string, Func<Stream, long>)[]
                 {
                     ("MiniExcel 1.47.1 (Query, rows as dictionaries)", MiniExcel),
                     ("ExcelDataReader 3.6.0 (IDataReader)", ExcelDataReader),
                     ("DocumentFormat.OpenXml 3.3.0 (OpenXmlReader, SAX)", OpenXmlSax),
                     ("the service: ZipArchive + XmlReader, to import rows (XlsxImportReader)", Service),
                 })
        {
            if (only is not null && !name.Contains(only, StringComparison.OrdinalIgnoreCase)) continue;
            string line = "";
            for (var round = 0; round < 3; round++)
            {
                var costs = ProcessCostsWithoutPostgres.Start();
                var rows = read(new MemoryStream(xlsx, writable: false));
                line = costs.Stop(name, rows);
            }
            Console.WriteLine(line);
        }
        return 0;
    }

    private static long MiniExcel(Stream file)
    {
        long rows = 0;
        foreach (IDictionary<string, object?> row in MiniExcelLibs.MiniExcel.Query(file, useHeaderRow: true))
        {
            foreach (var value in row.Values) GC.KeepAlive(value);
            rows++;
        }
        return rows;
    }

    private static long ExcelDataReader(Stream file)
    {
        long rows = 0;
        using var reader = global::ExcelDataReader.ExcelReaderFactory.CreateOpenXmlReader(file);
        reader.Read(); // the header
        while (reader.Read())
        {
            for (var i = 0; i < reader.FieldCount; i++) GC.KeepAlive(reader.GetValue(i));
            rows++;
        }
        return rows;
    }

    private static long OpenXmlSax(Stream file)
    {
        long rows = -1; // the header
        using var document = SpreadsheetDocument.Open(file, false);
        var workbook = document.WorkbookPart!;
        var shared = new List<string>();
        using (var strings = OpenXmlReader.Create(workbook.SharedStringTablePart!))
            while (strings.Read())
                if (strings.ElementType == typeof(SharedStringItem) && strings.IsStartElement) shared.Add(((SharedStringItem)strings.LoadCurrentElement()!).InnerText);
        var sheet = (WorksheetPart)workbook.GetPartById(workbook.Workbook.Sheets!.Elements<Sheet>().First().Id!);
        using var reader = OpenXmlReader.Create(sheet);
        while (reader.Read())
        {
            if (reader.ElementType == typeof(Row) && reader.IsStartElement) rows++;
            else if (reader.ElementType == typeof(Cell) && reader.IsStartElement)
            {
                var cell = (Cell)reader.LoadCurrentElement()!;
                var text = cell.CellValue?.Text;
                GC.KeepAlive(cell.DataType?.Value == CellValues.SharedString && text is not null ? shared[int.Parse(text)] : text);
            }
        }
        return rows;
    }

    private static long Service(Stream file)
    {
        long rows = 0;
        var reader = new XlsxImportReader(file, ImportKinds.StudySessions);
        var enumerator = reader.ReadAsync().GetAsyncEnumerator();
        while (enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult()) rows++;
        return rows;
    }

    /// <summary>CPU and peak working set of this process, and what the reading thread allocated, over one reading.</summary>
    private sealed class ProcessCostsWithoutPostgres
    {
        private readonly TimeSpan _cpu = Process.GetCurrentProcess().TotalProcessorTime;
        private readonly long _allocated = GC.GetAllocatedBytesForCurrentThread();
        private readonly long _set = Process.GetCurrentProcess().WorkingSet64;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private long _peak;
        private readonly CancellationTokenSource _stop = new();
        private Task _sampler = Task.CompletedTask;

        public static ProcessCostsWithoutPostgres Start()
        {
            GC.Collect();
            var costs = new ProcessCostsWithoutPostgres();
            costs._peak = costs._set;
            costs._sampler = Task.Run(async () =>
            {
                while (!costs._stop.IsCancellationRequested)
                {
                    costs._peak = Math.Max(costs._peak, Process.GetCurrentProcess().WorkingSet64);
                    await Task.Delay(20);
                }
            });
            return costs;
        }

        public string Stop(string name, long rows)
        {
            var seconds = _clock.Elapsed.TotalSeconds;
            var cpu = (Process.GetCurrentProcess().TotalProcessorTime - _cpu).TotalSeconds;
            var allocated = GC.GetAllocatedBytesForCurrentThread() - _allocated;
            _stop.Cancel();
            _sampler.GetAwaiter().GetResult();
            return $"| {name} | {rows / seconds:N0} | {cpu * 1e6 / rows:N1} | {allocated / (double)rows:N0} | {(_peak - _set) / 1048576.0:N0} MiB |";
        }
    }
}
