using System.Text.Json;
using Grassroots.Domain;

namespace Grassroots.Silo.Imports;

/// <summary>
/// An import body spooled to a temporary file as it arrives (up to 16 MiB, never held in memory), so that it can be read
/// twice: once to check its shape — JSON or CSV that can be read to the end, its encoding, at least one row — and answer
/// 400 with nothing stored when it cannot, then once to import its rows. The file is deleted when disposed.
/// </summary>
public sealed class ImportUpload : IAsyncDisposable
{
    private readonly FileStream _file;

    private ImportUpload(FileStream file) => _file = file;

    public long Length => _file.Length;

    public static async Task<ImportUpload> SpoolAsync(Stream body, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"grassroots-import-{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 64 << 10,
            Options = FileOptions.DeleteOnClose | FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // records are not for others
        var file = new FileStream(path, options);
        try
        {
            await body.CopyToAsync(file, 64 << 10, cancellationToken);
            await file.FlushAsync(cancellationToken);
            return new ImportUpload(file);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>The body from its start; one reader at a time.</summary>
    public Stream Open()
    {
        _file.Position = 0;
        return new NonClosing(_file);
    }

    public ValueTask DisposeAsync() => _file.DisposeAsync();

    /// <summary>The file, read through (and, for a zip, sought in), left open for the next reading.</summary>
    private sealed class NonClosing(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

/// <summary>
/// What the first reading of a body found: its format with the CSV encoding decided (and whether a JSON body's branches
/// follow some of its records), and how many rows it holds.
/// </summary>
public sealed record ImportShape(ImportFormat Format, long Rows)
{
    /// <summary>Reads the whole body once; throws <see cref="ImportFormatException"/> when it cannot be imported.</summary>
    public static async Task<ImportShape> CheckAsync(Func<Stream> open, ImportFormat format, JsonSerializerOptions json,
        CancellationToken cancellationToken)
    {
        if (format.IsCsv) format = format.WithEncoding(await CsvDecoding.DecideAsync(open, format.Encoding, cancellationToken));
        long rows = 0;
        var (records, branchesLater) = (false, false);
        if (format.IsCsv)
        {
            await using var body = open();
            rows = await new CsvImportReader(body, format.Kind!, format.Encoding!).CountAsync(cancellationToken);
        }
        else
        {
            await foreach (var row in ReadRows(open, format, json, parse: false, cancellationToken))
            {
                rows++;
                if (row.Kind is BranchImportKind) branchesLater |= records;
                else records = true;
            }
        }
        if (rows == 0) throw new ImportFormatException("body", new Message(MessageKeys.ImportNoRows));
        return new ImportShape(format with { BranchesLater = branchesLater }, rows);
    }

    /// <summary>
    /// The rows of a body of a known shape, numbered from 0 in the order they are yielded: as they appear, except that a
    /// JSON body whose branches follow records is read twice, its branches first and then its records, so that the
    /// importer registers branches before it logs records whatever order the body's lists are in.
    /// </summary>
    public static async IAsyncEnumerable<ReadRow> ReadRows(Func<Stream> open, ImportFormat format, JsonSerializerOptions json, bool parse,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (format.Body != ImportMedia.Json)
        {
            await using var body = open();
            var rows = format.IsCsv
                ? new CsvImportReader(body, format.Kind!, format.Encoding!).ReadAsync(0, cancellationToken)
                : new XlsxImportReader(body, format.Kind!).ReadAsync(0, cancellationToken);
            await foreach (var row in rows) yield return row;
            yield break;
        }
        long ordinal = 0;
        Func<ImportKind, bool>[] passes = format.BranchesLater ? [k => k is BranchImportKind, k => k is not BranchImportKind] : [_ => true];
        foreach (var pass in passes)
        {
            await using var body = open();
            await foreach (var row in new JsonImportReader(body, json).ReadAsync(parse, pass, cancellationToken))
                yield return row with { Ordinal = ordinal++ };
        }
    }
}
