using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Grassroots.Silo.Commands;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Imports;
using Grassroots.Silo.Records;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Imports.ImportFiles;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests.Imports;

/// <summary>
/// A CSV body is UTF-8 or GB18030 throughout, or it is refused at its first bad byte with nothing stored: never read as the
/// other encoding's nonsense, never stored with a replacement character (Imports/CsvDecoding.cs).
/// </summary>
public sealed class ImportDecodingTests
{
    private const string ApiHeader = "branchId,id,campaignId,title,heldOn,format,kind,attendees.total,attendees.frontline,attendees.youth,attendees.women,onlineViews,notes";

    /// <summary>
    /// Its Chinese runs are an even number of bytes and the bad byte C0 is followed by a letter, so the body decodes whole as
    /// GB18030 (C0 41 is a GBK character): read so, both rows would be stored garbled and reported imported.
    /// </summary>
    private static readonly Hostile Utf8WithOneBadByte = Hostile.Of(new UTF8Encoding(false),
        Csv(ApiHeader, SessionLine("b1", "s1", 40, title: "劳模精神"), SessionLine("b2", "s2", 50, title: "学习")).Replace("学习", "学习\uFFFFAB"),
        [0xC0]);

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task Utf8FileWithOneInvalidByteIsRefusedAtItsLineAndByteInsteadOfBeingReadAsGb18030(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        var file = Utf8WithOneBadByte;
        Assert.Equal(3, file.Line);
        Assert.True(ImportFormat.Gb18030.GetCharCount(file.Bytes) > 0); // the strict GB18030 decoder reads it whole

        await file.AssertRefusedAsync(await client.PostBytesAsync(file.Bytes, "text/csv"));
        await file.AssertRefusedAsync(await client.PostBytesAsync(file.Bytes, "text/csv", "&async=true")); // decided at upload
        await file.AssertRefusedAsync(await client.PostBytesAsync(file.Bytes, "text/csv", "&dryRun=true"));
        await AssertNothingStoredAsync(app);

        // The same file without the bad byte, with and without a byte order mark, imports.
        var mended = Encoding.UTF8.GetString(file.Bytes.Where(b => b != 0xC0).ToArray());
        var imported = await (await client.PostCsvAsync(mended)).ReadAsync<ImportResult>(HttpStatusCode.OK);
        var again = await (await client.PostCsvAsync(mended, bom: true)).ReadAsync<ImportResult>(HttpStatusCode.OK);
        Assert.Equal((2L, 0L), (imported.Imported, imported.Rejected));
        Assert.Equal(2L, again.Unchanged);
        Assert.Equal("学习AB", (await (await client.GetAsync("/api/branches/b2/study-sessions/s2")).ReadAsync<StudySessionResponse>(HttpStatusCode.OK)).Title);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task InvalidGb18030SequencesAreRefusedAtTheirLineAndByteAndNothingIsStored(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        var gb = ImportFormat.Gb18030;
        var rows = new[]
        {
            SessionLine("b1", "s1", 40, title: "学习贯彻劳模表彰大会讲话精神"),
            SessionLine("b2", "s2", 50, title: "藏族、回族职工座谈会（西宁）"),
            SessionLine("b3", "s3", 60, title: "𠮷野家班组学习"),
        };
        var truncated = gb.GetBytes("𠮷")[..3]; // the first three bytes of a four-byte character, then a comma
        Hostile[] files =
        [
            Hostile.Of(gb, Csv([ChineseHeader, .. rows]).Replace("藏族、", "藏族\uFFFF、"), [0x81, 0x20]),
            Hostile.Of(gb, Csv([ChineseHeader, .. rows]).Replace("讲话精神", "讲话\uFFFF精神"), [0xFF, 0xFF]),
            Hostile.Of(gb, Csv([ChineseHeader, .. rows]).Replace("𠮷野家班组学习", "\uFFFF"), truncated),
        ];
        Assert.Equal([3L, 2L, 4L], files.Select(f => f.Line));

        foreach (var file in files)
        {
            await file.AssertRefusedAsync(await client.PostBytesAsync(file.Bytes, "text/csv"));
            await file.AssertRefusedAsync(await client.PostBytesAsync(file.Bytes, "text/csv; charset=gb18030"));
        }
        await files[0].AssertRefusedAsync(await client.PostBytesAsync(files[0].Bytes, "text/csv", "&async=true"));
        await AssertNothingStoredAsync(app);

        // The file they were made from imports, as it is.
        var result = await (await client.PostBytesAsync(gb.GetBytes(Csv([ChineseHeader, .. rows])), "text/csv")).ReadAsync<ImportResult>(HttpStatusCode.OK);
        Assert.Equal((3L, 0L), (result.Imported, result.Rejected));
        Assert.Equal("𠮷野家班组学习", (await (await client.GetAsync("/api/branches/b3/study-sessions/s3")).ReadAsync<StudySessionResponse>(HttpStatusCode.OK)).Title);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task ACharsetInTheContentTypeIsHonouredStrictly(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        var csv = Csv(ApiHeader, SessionLine("b1", "s1", 40, title: "劳模精神进班组"));

        // GB18030 sent as UTF-8: refused at the title's first byte, not stored with replacement characters.
        var gbAsUtf8 = Hostile.Of(ImportFormat.Gb18030, csv.Replace("劳模", "\uFFFF劳模"), []);
        await gbAsUtf8.AssertRefusedAsync(await client.PostBytesAsync(gbAsUtf8.Bytes, "text/csv; charset=utf-8"));
        await AssertNothingStoredAsync(app);

        var fromGb = await (await client.PostBytesAsync(ImportFormat.Gb18030.GetBytes(csv), "text/csv; charset=GB18030")).ReadAsync<ImportResult>(HttpStatusCode.OK);
        var fromUtf8 = await (await client.PostBytesAsync(Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8")).ReadAsync<ImportResult>(HttpStatusCode.OK);
        Assert.Equal((1L, 1L), (fromGb.Imported, fromUtf8.Unchanged));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task ImportCommandRefusesAFileThatIsNotOneEncodingThroughoutAndSendsNothing(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartOnKestrelAsync(provider);
        await SeedAsync(app);
        var path = Path.Combine(Path.GetTempPath(), $"grassroots-decoding-{Guid.NewGuid():N}.csv");
        try
        {
            var file = Utf8WithOneBadByte;
            await File.WriteAllBytesAsync(path, file.Bytes);
            var (output, error) = (new StringWriter(), new StringWriter());

            var code = await CommandLine.RunAsync(["import", path, "--url", app.Address.ToString(), "--key", app.HqKey, "--type", "study-sessions"], output, error);

            Assert.Equal(3, code);
            Assert.Contains($"Line {file.Line}, byte {file.Offset}: C0 is not UTF-8", error.ToString());
            await AssertNothingStoredAsync(app);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>No study session, and no body stored for a job.</summary>
    private static async Task AssertNothingStoredAsync(GrassrootsApp app)
    {
        foreach (var table in new[] { "study_sessions", "import_uploads" })
            Assert.Equal(0L, (await app.Service<Database>().QueryAsync($"SELECT count(*) FROM {table}", [], r => Convert.ToInt64(r.GetValue(0)))).Single());
    }

    /// <summary>A body with bad bytes where its text holds U+FFFF, at <see cref="Line"/> (from 1) and byte <see cref="Offset"/> (from 0).</summary>
    private sealed record Hostile(byte[] Bytes, long Line, long Offset)
    {
        public static Hostile Of(Encoding encoding, string text, byte[] bad)
        {
            var at = text.IndexOf('\uFFFF', StringComparison.Ordinal);
            var before = encoding.GetBytes(text[..at]);
            return new Hostile([.. before, .. bad, .. encoding.GetBytes(text[(at + 1)..])], 1 + before.Count(b => b == (byte)'\n'), before.Length);
        }

        public async Task AssertRefusedAsync(HttpResponseMessage response)
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "body");
            var message = problem.GetProperty("errors").GetProperty("body")[0].GetString()!;
            Assert.StartsWith($"Line {Line}, byte {Offset}:", message);
            Assert.Contains("Nothing was imported", message);
        }
    }
}

internal static class RawImports
{
    public static async Task<HttpResponseMessage> PostBytesAsync(this HttpClient client, byte[] body, string contentType, string query = "")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await client.PostAsync($"/api/imports?type=study-sessions{query}", content);
    }
}
