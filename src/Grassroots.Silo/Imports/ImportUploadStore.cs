using Grassroots.Storage;

namespace Grassroots.Silo.Imports;

/// <summary>
/// The bodies of asynchronous imports, in the import_uploads table in parts of <see cref="PartSize"/> bytes: written as
/// the body is read, read back one part at a time by the job (after a restart too), deleted when the job is done.
/// </summary>
public sealed class ImportUploadStore(Database database)
{
    public const int PartSize = 256 << 10;

    public async Task StoreAsync(string importId, Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[PartSize];
        for (var part = 0; ; part++)
        {
            var filled = 0;
            int read;
            while (filled < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0) filled += read;
            if (filled == 0) return;
            await database.ExecuteAsync("INSERT INTO import_uploads (import_id, part, data) VALUES ($1, $2, $3)",
                [importId, part, buffer[..filled]], cancellationToken);
            if (filled < buffer.Length) return;
        }
    }

    /// <summary>The stored body as a stream that reads one part at a time.</summary>
    public Stream Open(string importId) => new PartStream(this, importId);

    public Task DeleteAsync(string importId) => database.ExecuteAsync("DELETE FROM import_uploads WHERE import_id = $1", [importId]);

    private async Task<byte[]?> PartAsync(string importId, int part, CancellationToken cancellationToken)
    {
        var rows = await database.QueryAsync("SELECT data FROM import_uploads WHERE import_id = $1 AND part = $2",
            [importId, part], r => (byte[])r.GetValue(0), cancellationToken);
        return rows.Count == 0 ? null : rows[0];
    }

    private sealed class PartStream(ImportUploadStore uploads, string importId) : Stream
    {
        private byte[] _part = [];
        private int _offset, _next;
        private bool _ended;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            while (_offset == _part.Length)
            {
                if (_ended) return 0;
                var part = await uploads.PartAsync(importId, _next++, cancellationToken);
                if (part is null) _ended = true;
                else (_part, _offset) = (part, 0);
            }
            var n = Math.Min(buffer.Length, _part.Length - _offset);
            _part.AsMemory(_offset, n).CopyTo(buffer);
            _offset += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
