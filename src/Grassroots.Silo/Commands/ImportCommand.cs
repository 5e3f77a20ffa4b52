using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Imports;
using System.CommandLine;
using Spectre.Console;

namespace Grassroots.Silo.Commands;

/// <summary>
/// <c>import FILE --url URL --key KEY [--type branches|study-sessions|honoree-talks|publicity] [--dry-run]</c>: uploads a
/// CSV or JSON file of any size to a running service, <see cref="ChunkRows"/> rows (at most <see cref="ChunkBytes"/>) per
/// <c>POST /api/imports</c>, with its progress on standard error (a bar, or a line per 10% where that is no terminal), and prints the summary on standard output, each
/// rejected row named by its line (CSV) or index (JSON) in the file. A JSON file is read twice, its branches sent before
/// any of its records, since a chunk can only log records of branches registered already. Exit status: 0 when every row was stored (or, dry,
/// would be), 1 when rows were rejected, 2 for a usage error, 3 when the service refused a chunk or could not be reached.
/// </summary>
public sealed class ImportCommand(TextWriter output, TextWriter error)
{
    public const int ChunkRows = 5_000;
    public const int ChunkBytes = 8 << 20;
    private const int ListedConflicts = 20;

    /// <summary>The `import` command, parsed by <see cref="CommandLine"/>.</summary>
    public static Command Define(TextWriter output, TextWriter error)
    {
        var file = new Argument<string>("FILE") { Description = "A CSV file (one kind, named by --type) or a JSON file of any size." };
        var url = new Option<string>("--url") { Description = "The running service, e.g. http://127.0.0.1:5080.", Required = true };
        var key = new Option<string>("--key") { Description = "An API key whose scope covers the rows.", Required = true };
        var type = new Option<string>("--type") { Description = "The kind of a CSV file's rows." }.AcceptOnlyFromAmong([.. ImportKinds.TypeNames]);
        var dryRun = new Option<bool>("--dry-run") { Description = "Checks every row and stores nothing." };
        var command = new Command("import",
            "Uploads a file to a running service, 5,000 rows a request, and prints the summary. Exit 0: every row stored; 1: rows " +
            "rejected; 2: usage; 3: the service refused a request or could not be reached (importing again is always safe).")
        { file, url, key, type, dryRun };
        command.Validators.Add(result =>
        {
            if (result.GetValue(type) is null && result.GetValue(file)?.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) == true)
                result.AddError("A CSV file needs --type: " + string.Join(", ", ImportKinds.TypeNames) + ".");
        });
        command.SetAction(parsed => new ImportCommand(output, error).RunAsync(new Options(parsed.GetValue(file)!, parsed.GetValue(url)!,
            parsed.GetValue(key)!, parsed.GetValue(type), parsed.GetValue(dryRun))));
        return command;
    }

    public async Task<int> RunAsync(Options options)
    {
        if (!File.Exists(options.File))
        {
            error.WriteLine($"No file {options.File}.");
            return CommandLine.UsageError;
        }
        using var http = new HttpClient { BaseAddress = new Uri(options.Url), Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Key);
        var totals = new Totals();
        try
        {
            await ShowProgressAsync(Path.GetFileName(options.File), new FileInfo(options.File).Length, async advance =>
            {
                await foreach (var (chunk, locate, read) in Chunks(options))
                {
                    totals.Add(await SendAsync(http, chunk, options), locate);
                    advance(read, totals.Read);
                }
            });
        }
        catch (ImportFormatException e)
        {
            error.WriteLine($"{options.File} cannot be imported: {e.Field}: {e.Message}");
            return 3;
        }
        catch (ChunkRefusedException e)
        {
            Summarize(totals, options);
            error.WriteLine($"The service refused a chunk ({e.Message}); the chunks before it were imported. Importing the file again is safe.");
            return 3;
        }
        catch (HttpRequestException e)
        {
            Summarize(totals, options);
            error.WriteLine($"The service at {options.Url} could not be reached: {e.Message}. Importing the file again is safe.");
            return 3;
        }
        Summarize(totals, options);
        return totals.Rejected > 0 ? 1 : 0;
    }

    /// <summary>
    /// Progress on standard error: a bar on a terminal; elsewhere (a log, a pipe, CI) a line at each tenth of the file, which
    /// a log keeps readable where a bar's redraws would not.
    /// </summary>
    private async Task ShowProgressAsync(string name, long length, Func<Action<long, long>, Task> work)
    {
        if (ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
            await console.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(),
                    new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask(name, maxValue: Math.Max(length, 1));
                    await work((read, _) => task.Value = read);
                    task.Value = task.MaxValue;
                });
            return;
        }
        var tenths = 0;
        await work((read, rows) =>
        {
            var reached = length == 0 ? 10 : (int)Math.Min(10, read * 10 / length);
            for (; tenths < reached; tenths++) error.WriteLine($"{name}: {(tenths + 1) * 10}% ({rows:N0} rows sent)");
        });
    }

    /// <summary>The file as request bodies, each with where its rows are in the file, and how far into the file it reaches.</summary>
    private static async IAsyncEnumerable<(HttpContent Body, Func<ImportConflict, ImportConflict> Locate, long Read)> Chunks(Options options)
    {
        if (options.Type is null)
        {
            // Branches on the first reading, records on the second; the progress bar counts each reading as half the file.
            var length = new FileInfo(options.File).Length;
            foreach (var branches in new[] { true, false })
            {
                await using var json = File.OpenRead(options.File);
                long Read(long position) => (branches ? 0 : length / 2) + position / 2;
                var reader = new JsonImportReader(json, JsonSerializerOptions.Web);
                var sections = ImportKinds.All.ToDictionary(k => k, _ => new List<byte[]>());
                var indexes = ImportKinds.All.ToDictionary(k => k, _ => new List<long>()); // each row's index in its list in the file
                var (rows, bytes) = (0, 0L);
                await foreach (var (kind, index, row) in reader.ReadRawAsync())
                {
                    if (kind is BranchImportKind != branches) continue;
                    sections[kind].Add(row);
                    indexes[kind].Add(index);
                    (rows, bytes) = (rows + 1, bytes + row.Length);
                    if (rows < ChunkRows && bytes < ChunkBytes) continue;
                    yield return (JsonChunk(sections), Locator(indexes), Read(json.Position));
                    foreach (var kind2 in ImportKinds.All) (sections[kind2], indexes[kind2]) = ([], []);
                    (rows, bytes) = (0, 0);
                }
                if (rows > 0) yield return (JsonChunk(sections), Locator(indexes), Read(length));
            }
            yield break;
        }

        await using var file = File.OpenRead(options.File);
        var kindOfFile = ImportKinds.Named(options.Type);
        // Decided as the service decides (CsvDecoding): the chunks are re-encoded as UTF-8, so a file that is neither is refused here.
        var encoding = await CsvDecoding.DecideAsync(() => File.OpenRead(options.File), null, CancellationToken.None);
        await using var csv = await CsvImportReader.OpenAsync(file, encoding, CancellationToken.None);
        if (!await CsvImportReader.ReadAsync(csv, CancellationToken.None)) throw new ImportFormatException("header", "The file has no header row.");
        var header = CsvImportReader.Header(csv);
        ImportHeader.Map(header, kindOfFile); // refuses a header without the required columns before anything is sent
        var (buffer, writer, lines) = NewCsvChunk(header);
        while (await CsvImportReader.ReadAsync(csv, CancellationToken.None))
        {
            writer.WriteRecord([.. Enumerable.Range(0, csv.RowFieldCount).Select(csv.GetString)]);
            lines.Add(csv.RowNumber);
            if (lines.Count < ChunkRows && buffer.Length < ChunkBytes) continue;
            yield return (CsvContent(buffer, writer), Locator(lines), file.Position);
            (buffer, writer, lines) = NewCsvChunk(header);
        }
        if (lines.Count > 0) yield return (CsvContent(buffer, writer), Locator(lines), file.Length);
    }

    /// <summary>A chunk's line 2 is its first row, at the file line noted for it.</summary>
    private static Func<ImportConflict, ImportConflict> Locator(List<long> lines) => c => c.Line is { } line ? c with { Line = lines[(int)line - 2] } : c;

    /// <summary>A chunk's rows of each list are, in order, the rows noted for that list.</summary>
    private static Func<ImportConflict, ImportConflict> Locator(Dictionary<ImportKind, List<long>> indexes)
    {
        var copy = indexes.ToDictionary(i => i.Key.Type, i => i.Value);
        return c => c.Index is { } index ? c with { Index = copy[c.Type][(int)index] } : c;
    }

    private static HttpContent JsonChunk(Dictionary<ImportKind, List<byte[]>> sections)
    {
        var body = new MemoryStream();
        body.Write("{"u8);
        var first = true;
        foreach (var (kind, rows) in sections.Where(s => s.Value.Count > 0))
        {
            if (!first) body.Write(","u8);
            first = false;
            body.Write(Encoding.UTF8.GetBytes($"\"{kind.JsonName}\":["));
            for (var i = 0; i < rows.Count; i++)
            {
                if (i > 0) body.Write(","u8);
                body.Write(rows[i]);
            }
            body.Write("]"u8);
        }
        body.Write("}"u8);
        var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static (MemoryStream, CsvWriter, List<long>) NewCsvChunk(string[] header)
    {
        var buffer = new MemoryStream();
        var writer = CsvWriter.Create(buffer, new CsvWriterOptions(), leaveOpen: true);
        writer.WriteRecord(header);
        return (buffer, writer, []);
    }

    private static HttpContent CsvContent(MemoryStream buffer, CsvWriter writer)
    {
        writer.Dispose();
        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
        return content;
    }

    private static async Task<ImportResult> SendAsync(HttpClient http, HttpContent chunk, Options options)
    {
        var query = new List<string>();
        if (options.Type is { } type) query.Add($"type={Uri.EscapeDataString(type)}");
        if (options.DryRun) query.Add("dryRun=true");
        using var response = await http.PostAsync("/api/imports" + (query.Count > 0 ? "?" + string.Join('&', query) : ""), chunk);
        if (!response.IsSuccessStatusCode)
            throw new ChunkRefusedException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<ImportResult>(JsonSerializerOptions.Web))!;
    }

    private void Summarize(Totals totals, Options options)
    {
        output.WriteLine($"{(options.DryRun ? "Dry run (nothing stored): " : "")}{totals.Read:N0} rows read: {totals.Imported:N0} imported, " +
            $"{totals.Updated:N0} updated, {totals.Unchanged:N0} unchanged, {totals.Rejected:N0} rejected.");
        foreach (var c in totals.Conflicts.Take(ListedConflicts))
            output.WriteLine($"  {(c.Line is { } line ? $"line {line}" : $"{c.Type} [{c.Index}]")}: {c.Field}: {c.Message}");
        if (totals.Conflicts.Count > ListedConflicts) output.WriteLine($"  … and {totals.Conflicts.Count - ListedConflicts:N0} more listed by the service.");
    }

    private sealed class ChunkRefusedException(string message) : Exception(message);

    private sealed class Totals
    {
        public long Read, Imported, Updated, Unchanged, Rejected;
        public List<ImportConflict> Conflicts { get; } = [];

        /// <summary>Adds a chunk's counts; its conflicts' lines and indexes become the file's.</summary>
        public void Add(ImportResult result, Func<ImportConflict, ImportConflict> locate)
        {
            (Read, Imported, Updated, Unchanged, Rejected) =
                (Read + result.RowsRead, Imported + result.Imported, Updated + result.Updated, Unchanged + result.Unchanged, Rejected + result.Rejected);
            Conflicts.AddRange(result.Conflicts.Select(locate));
        }
    }

    public sealed record Options(string File, string Url, string Key, string? Type, bool DryRun);
}
