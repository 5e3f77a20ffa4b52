using System.CommandLine;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CsvHelper;
using Grassroots.Domain;
using Grassroots.Silo.Commands;
using Grassroots.Silo.Reports;
using Spectre.Console;

namespace Grassroots.Silo.Imports;

/// <summary>
/// <c>import FILE --url URL --key KEY [--type branches|study-sessions|honoree-talks|publicity|competitions] [--dry-run]</c>: uploads a
/// CSV, Excel or JSON file to a running service and prints the summary on standard output, each rejected row named by its
/// line (CSV), its sheet, row and column (Excel) or its index (JSON) in the file, with its progress on standard error (a
/// bar, or a line per 10% where that is no terminal). A CSV or JSON file of any size is cut into requests of
/// <see cref="ChunkRows"/> rows (at most <see cref="ChunkBytes"/>), <see cref="MaxInFlight"/> sent at once, so the service
/// reads one while it stores the other; a request waits for one in flight that holds a row of the same record or branch,
/// so rows of one record are applied in file order. A JSON file is read twice, its branches sent before any of its
/// records, since a chunk can only log records of branches registered already. An Excel file (up to the 16 MiB a request
/// takes) is sent whole as an import job, whose progress the command follows. Exit status: 0 when every row was stored
/// (or, dry, would be), 1 when rows were rejected, 2 for a usage error, 3 when the service refused a request or could not
/// be reached.
/// </summary>
public sealed class ImportCommand(TextWriter output, TextWriter error)
{
    public const int ChunkRows = 5_000;
    public const int ChunkBytes = 8 << 20;

    /// <summary>Requests in flight: one being stored while the next is read and checked.</summary>
    public const int MaxInFlight = 2;

    private const int ListedConflicts = 20;
    private static readonly TimeSpan JobPolling = TimeSpan.FromMilliseconds(250);

    /// <summary>The `import` command, parsed by <see cref="CommandLine"/>.</summary>
    public static Command Define(TextWriter output, TextWriter error)
    {
        var file = new Argument<string>("FILE") { Description = "A CSV or Excel (.xlsx) file of one kind, named by --type, or a JSON file of any size." };
        var url = new Option<string>("--url") { Description = "The running service, e.g. http://127.0.0.1:5080.", Required = true };
        var key = new Option<string>("--key") { Description = "An API key whose scope covers the rows.", Required = true };
        var type = new Option<string>("--type") { Description = "The kind of a CSV or Excel file's rows." }.AcceptOnlyFromAmong([.. ImportKinds.TypeNames]);
        var dryRun = new Option<bool>("--dry-run") { Description = "Checks every row and stores nothing." };
        var command = new Command("import",
            "Uploads a file to a running service, 5,000 rows a request, and prints the summary. Exit 0: every row stored; 1: rows " +
            "rejected; 2: usage; 3: the service refused a request or could not be reached (importing again is always safe).")
        { file, url, key, type, dryRun };
        command.Validators.Add(result =>
        {
            if (result.GetValue(type) is null && Path.GetExtension(result.GetValue(file) ?? "").ToLowerInvariant() is ".csv" or ".xlsx")
                result.AddError("A CSV or Excel file needs --type: " + string.Join(", ", ImportKinds.TypeNames) + ".");
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
        var workbook = options.File.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase);
        if (workbook && new FileInfo(options.File).Length > Hosting.RequestLimits.ImportLimit)
        {
            error.WriteLine($"{options.File} is over the 16 MiB a request takes; save it as CSV, which the command sends in parts of any number.");
            return CommandLine.UsageError;
        }
        using var http = new HttpClient { BaseAddress = new Uri(options.Url), Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Key);
        var totals = new Totals();
        try
        {
            if (workbook) await SendWorkbookAsync(http, options, totals);
            else await SendChunksAsync(http, options, totals);
        }
        catch (ImportFormatException e)
        {
            error.WriteLine($"{options.File} cannot be imported: {e.Field}: {e.Message}");
            return 3;
        }
        catch (ChunkRefusedException e)
        {
            Summarize(totals, options);
            error.WriteLine($"The service refused a request ({e.Message}); the rows before it were imported. Importing the file again is safe.");
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

    /// <summary>The file in chunks, <see cref="MaxInFlight"/> at once, its progress by how far into the file the done chunks reach.</summary>
    private async Task SendChunksAsync(HttpClient http, Options options, Totals totals)
    {
        var inFlight = new List<(Task<ImportResult> Sent, HashSet<string> Keys, Func<ImportConflict, ImportConflict> Locate, long Reached)>();
        await ShowProgressAsync(Path.GetFileName(options.File), new FileInfo(options.File).Length, async advance =>
        {
            async Task FinishFirstAsync()
            {
                var done = await Task.WhenAny(inFlight.Select(f => f.Sent));
                var finished = inFlight.Single(f => f.Sent == done);
                inFlight.Remove(finished);
                totals.Add(await done, finished.Locate);
                advance(finished.Reached, totals.Read);
            }

            await foreach (var chunk in Chunks(options))
            {
                if (chunk.Body is null)
                {
                    // A JSON file's branches are all stored before its first record is sent.
                    while (inFlight.Count > 0) await FinishFirstAsync();
                    continue;
                }
                while (inFlight.Count >= MaxInFlight || inFlight.Any(f => f.Keys.Overlaps(chunk.Keys))) await FinishFirstAsync();
                inFlight.Add((SendAsync(http, chunk.Body, options), chunk.Keys, chunk.Locate, chunk.Reached));
            }
            while (inFlight.Count > 0) await FinishFirstAsync();
        });
    }

    /// <summary>An Excel file as one import job, its progress by the rows the job has read.</summary>
    private async Task SendWorkbookAsync(HttpClient http, Options options, Totals totals)
    {
        var content = new StreamContent(File.OpenRead(options.File));
        content.Headers.ContentType = new MediaTypeHeaderValue(XlsxFile.ContentType);
        using var response = await http.PostAsync(ImportPath(options, "async=true"), content);
        if (!response.IsSuccessStatusCode)
            throw new ChunkRefusedException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var importId = (await response.Content.ReadFromJsonAsync<ImportAccepted>(JsonSerializerOptions.Web))!.ImportId;
        ImportJobResponse job = null!;
        await ShowProgressAsync(Path.GetFileName(options.File), 1, async advance =>
        {
            while (true)
            {
                job = (await http.GetFromJsonAsync<ImportJobResponse>($"/api/imports/{importId}", JsonSerializerOptions.Web))!;
                advance(job.State == ImportJobStates.Done ? 1 : job.RowsRead / Math.Max(1.0, job.RowsTotal), job.RowsRead);
                if (job.State is ImportJobStates.Done or ImportJobStates.Failed) return;
                await Task.Delay(JobPolling);
            }
        });
        if (job.State == ImportJobStates.Failed) throw new ChunkRefusedException($"the import job failed: {job.Error}");
        totals.Add(new ImportResult(job.DryRun, job.RowsRead, job.Imported, job.Updated, job.Unchanged, job.Rejected, job.Conflicts), c => c);
    }

    /// <summary>
    /// Progress on standard error: a bar on a terminal; elsewhere (a log, a pipe, CI) a line at each tenth of the whole,
    /// which a log keeps readable where a bar's redraws would not.
    /// </summary>
    private async Task ShowProgressAsync(string name, double whole, Func<Action<double, long>, Task> work)
    {
        if (ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected)
        {
            var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(error) });
            await console.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(),
                    new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(async progress =>
                {
                    var task = progress.AddTask(name, maxValue: Math.Max(whole, 1));
                    await work((reached, _) => task.Value = Math.Max(task.Value, reached));
                    task.Value = task.MaxValue;
                });
            return;
        }
        var tenths = 0;
        await work((reached, rows) =>
        {
            var now = whole <= 0 ? 10 : (int)Math.Min(10, reached * 10 / whole);
            for (; tenths < now; tenths++) error.WriteLine($"{name}: {(tenths + 1) * 10}% ({rows:N0} rows done)");
        });
    }

    /// <summary>A request's rows: its body, the keys of its records or branches, where its rows are in the file, how far it reaches.</summary>
    private sealed record Chunk(HttpContent? Body, HashSet<string> Keys, Func<ImportConflict, ImportConflict> Locate, long Reached);

    /// <summary>The file as request bodies; a chunk without a body marks where a JSON file's branches end.</summary>
    private static async IAsyncEnumerable<Chunk> Chunks(Options options)
    {
        if (options.Type is null)
        {
            // Branches on the first reading, records on the second; the progress counts each reading as half the file.
            var length = new FileInfo(options.File).Length;
            foreach (var branches in new[] { true, false })
            {
                await using var json = File.OpenRead(options.File);
                long Read(long position) => (branches ? 0 : length / 2) + position / 2;
                var reader = new JsonImportReader(json, JsonSerializerOptions.Web);
                var sections = ImportKinds.All.ToDictionary(k => k, _ => new List<byte[]>());
                var indexes = ImportKinds.All.ToDictionary(k => k, _ => new List<long>()); // each row's index in its list in the file
                var keys = new HashSet<string>(StringComparer.Ordinal);
                var (rows, bytes) = (0, 0L);
                await foreach (var (kind, index, row) in reader.ReadRawAsync())
                {
                    if (kind is BranchImportKind != branches) continue;
                    sections[kind].Add(row);
                    indexes[kind].Add(index);
                    keys.Add(KeyOf(kind, row));
                    (rows, bytes) = (rows + 1, bytes + row.Length);
                    if (rows < ChunkRows && bytes < ChunkBytes) continue;
                    yield return new Chunk(JsonChunk(sections), keys, Locator(indexes), Read(json.Position));
                    foreach (var kind2 in ImportKinds.All) (sections[kind2], indexes[kind2]) = ([], []);
                    (rows, bytes, keys) = (0, 0, new HashSet<string>(StringComparer.Ordinal));
                }
                if (rows > 0) yield return new Chunk(JsonChunk(sections), keys, Locator(indexes), Read(length));
                if (branches) yield return new Chunk(null, [], c => c, Read(length));
            }
            yield break;
        }

        await using var file = File.OpenRead(options.File);
        var kindOfFile = ImportKinds.Named(options.Type);
        // Decided as the service decides (CsvDecoding): the chunks are re-encoded as UTF-8, so a file that is neither is refused here.
        var encoding = await CsvDecoding.DecideAsync(() => File.OpenRead(options.File), null, CancellationToken.None);
        await using var csv = await CsvImportReader.OpenAsync(file, encoding, CancellationToken.None);
        if (!await CsvImportReader.ReadAsync(csv, CancellationToken.None)) throw new ImportFormatException("header", new Message(MessageKeys.ImportNoHeader));
        var header = CsvImportReader.Header(csv);
        var columns = ImportHeader.Map(header, kindOfFile).Columns; // refuses a header without the required columns before anything is sent
        var keyColumns = new[] { "branchId", "id" }.Select(f => columns.ToList().FindIndex(c => c?.Field == f)).Where(i => i >= 0).ToArray();
        var (buffer, writer, lines, chunkKeys) = NewCsvChunk(header);
        while (await CsvImportReader.ReadAsync(csv, CancellationToken.None))
        {
            writer.WriteRecord([.. Enumerable.Range(0, csv.RowFieldCount).Select(csv.GetString)]);
            lines.Add(csv.RowNumber);
            chunkKeys.Add(string.Join('\u001f', keyColumns.Select(i => i < csv.RowFieldCount ? csv.GetString(i).Trim() : "")));
            if (lines.Count < ChunkRows && buffer.Length < ChunkBytes) continue;
            yield return new Chunk(CsvContent(buffer, writer), chunkKeys, Locator(lines), file.Position);
            (buffer, writer, lines, chunkKeys) = NewCsvChunk(header);
        }
        if (lines.Count > 0) yield return new Chunk(CsvContent(buffer, writer), chunkKeys, Locator(lines), file.Length);
    }

    /// <summary>The record or branch a JSON row is about, as its kind, branch and id.</summary>
    private static string KeyOf(ImportKind kind, byte[] row)
    {
        try
        {
            using var json = JsonDocument.Parse(row);
            string? Text(string name) => json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty(name, out var v) ? v.ToString() : null;
            return $"{kind.Type}\u001f{Text("branchId")}\u001f{Text("id")}";
        }
        catch (JsonException)
        {
            return $"{kind.Type}\u001f(unreadable)";
        }
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

    private static (MemoryStream, CsvWriter, List<long>, HashSet<string>) NewCsvChunk(string[] header)
    {
        var buffer = new MemoryStream();
        var writer = CsvWriter.Create(buffer, new CsvWriterOptions(), leaveOpen: true);
        writer.WriteRecord(header);
        return (buffer, writer, [], new HashSet<string>(StringComparer.Ordinal));
    }

    private static HttpContent CsvContent(MemoryStream buffer, CsvWriter writer)
    {
        writer.Dispose();
        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
        return content;
    }

    private static string ImportPath(Options options, params string[] more)
    {
        var query = new List<string>(more);
        if (options.Type is { } type) query.Add($"type={Uri.EscapeDataString(type)}");
        if (options.DryRun) query.Add("dryRun=true");
        return "/api/imports" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
    }

    private static async Task<ImportResult> SendAsync(HttpClient http, HttpContent chunk, Options options)
    {
        using var response = await http.PostAsync(ImportPath(options), chunk);
        if (!response.IsSuccessStatusCode)
            throw new ChunkRefusedException($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<ImportResult>(JsonSerializerOptions.Web))!;
    }

    private void Summarize(Totals totals, Options options)
    {
        output.WriteLine($"{(options.DryRun ? "Dry run (nothing stored): " : "")}{totals.Read:N0} rows read: {totals.Imported:N0} imported, " +
            $"{totals.Updated:N0} updated, {totals.Unchanged:N0} unchanged, {totals.Rejected:N0} rejected.");
        var conflicts = totals.Conflicts.OrderBy(c => c.Line ?? -1).ThenBy(c => c.Type, StringComparer.Ordinal).ThenBy(c => c.Index ?? -1).ToList();
        foreach (var c in conflicts.Take(ListedConflicts))
            output.WriteLine($"  {Where(c)}: {c.Field}: {c.Message}");
        if (conflicts.Count > ListedConflicts) output.WriteLine($"  … and {conflicts.Count - ListedConflicts:N0} more listed by the service.");
    }

    private static string Where(ImportConflict c) => c switch
    {
        { Sheet: { } sheet, Line: { } row } => $"{sheet}!{c.Column}{row}",
        { Line: { } line } => $"line {line}",
        _ => $"{c.Type} [{c.Index}]",
    };

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
