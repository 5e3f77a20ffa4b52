using System.Text;
using System.Text.Json;
using Grassroots.Silo.Imports;

namespace Grassroots.Silo.FunctionalTests.Imports;

/// <summary>
/// A JSON import body read as it arrives over the network, a few bytes at a time: a row, a token or a UTF-8 character
/// cut across two reads reads as it would whole; a body cut short is refused as it would be whole; and the reader keeps
/// only a bounded stretch of the body ahead of the row it hands out.
/// </summary>
public sealed class JsonImportReaderTests
{
    private static readonly byte[] Body = Encoding.UTF8.GetBytes("""
        {"unknown": {"nested": [1, {"深": "层"}], "text": "\u5b66\n"},
         "studySessions": [
           {"branchId":"b1","id":"s1","campaignId":"c1","title":"集中学习劳模表彰大会讲话精神","heldOn":"2020-12-04","format":"offline","attendees":{"total":40}},
           {"branchId":"b1","id":"s2","title":"学习","attendees":{"total":"四十"}},
           "不是对象",
           {"branchId":"b1","id":"s3","heldOn":"04/12/2020"}],
         "publicity": null,
         "honoreeTalks": [{"branchId":"b2","id":"t1","honoreeIds":["h1","劳模🏅"],"audience":90}]}
        """);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(64)]
    public async Task ABodyArrivingInPiecesReadsAsTheWholeBodyDoes(int piece)
    {
        // Pieces of 1 to 3 bytes cut every three-byte Chinese character and the four-byte emoji across two reads.
        var whole = await ReadAsync(Body, int.MaxValue);

        Assert.Equal(
            [
                "study-sessions 0 b1/s1",
                "study-sessions 1 b1/s2 attendees.total: Not a valid value for this field, or not valid JSON here.",
                "study-sessions 2 / row: Must be a JSON object.",
                "study-sessions 3 b1/s3 heldOn: Not a valid value for this field, or not valid JSON here.",
                "honoree-talks 0 b2/t1",
            ], whole);
        Assert.Equal(whole, await ReadAsync(Body, piece));
    }

    [Fact]
    public async Task RowsAreHandedOutAsTheyArriveNotAfterTheWholeBodyIsRead()
    {
        const int rows = 20_000;
        var stream = new RowsStream(rows);
        var read = 0;

        await foreach (var (kind, index, json) in new JsonImportReader(stream, JsonSerializerOptions.Web).ReadRawAsync())
        {
            Assert.Equal(("study-sessions", read), (kind.Type, (int)index));
            Assert.Contains($"\"id\":\"s{read:D6}\"", Encoding.UTF8.GetString(json));
            // Never more read from the body than the row just handed out and one buffer's worth past it.
            Assert.InRange(stream.Position - RowsStream.EndOfRow(read), 0, 128 << 10);
            read++;
        }

        Assert.Equal(rows, read);
        Assert.True(stream.Length > 2 << 20, $"the body is {stream.Length} bytes, too short to show anything");
    }

    [Fact]
    public async Task ABodyCutShortAnywhereIsRefusedAsTheBodyAndTheSameInPiecesAsWhole()
    {
        for (var cut = 0; cut < Body.Length; cut++)
        {
            var shortened = Body[..cut];
            var whole = await Assert.ThrowsAsync<ImportFormatException>(() => ReadAsync(shortened, int.MaxValue));
            var inPieces = await Assert.ThrowsAsync<ImportFormatException>(() => ReadAsync(shortened, 1));

            Assert.Equal("body", whole.Field);
            Assert.Equal((whole.Field, whole.Message), (inPieces.Field, inPieces.Message));
            Assert.StartsWith("Not valid JSON", whole.Message);
            Assert.Equal(whole.Reason.Key, inPieces.Reason.Key);
        }
    }

    [Fact]
    public async Task TheBodysOwnProblemsAreSaidInChineseFromTheCatalog()
    {
        var twice = await Assert.ThrowsAsync<ImportFormatException>(() => ReadAsync("""{"studySessions":[],"studySessions":[]}"""u8.ToArray(), 1));
        var notList = await Assert.ThrowsAsync<ImportFormatException>(() => ReadAsync("""{"publicity":7}"""u8.ToArray(), 1));
        var notJson = await Assert.ThrowsAsync<ImportFormatException>(() => ReadAsync("""{"publicity":[}"""u8.ToArray(), 1));

        var chinese = System.Globalization.CultureInfo.GetCultureInfo("zh-CN");
        Assert.Equal(("studySessions", "出现了不止一次；每个列表只能发送一次。"), (twice.Field, twice.Reason.In(chinese)));
        Assert.Equal(("publicity", "须为数据行的列表。"), (notList.Field, notList.Reason.In(chinese)));
        Assert.Equal("body", notJson.Field);
        Assert.StartsWith("第 14 字节处不是有效的 JSON：", notJson.Reason.In(chinese));
        Assert.StartsWith("Not valid JSON at byte 14: ", notJson.Message);
    }

    /// <summary>Each row as "type index branchId/id problems…", read from a stream that gives at most <paramref name="piece"/> bytes a read.</summary>
    private static async Task<List<string>> ReadAsync(byte[] body, int piece)
    {
        var rows = new List<string>();
        await using var stream = new Trickle(body, piece);
        await foreach (var row in new JsonImportReader(stream, JsonSerializerOptions.Web).ReadAsync())
            rows.Add(string.Join(" ", [$"{row.Kind.Type} {row.Index} {row.Row?.BranchId}/{row.Row?.Id}", .. row.Problems.Select(p => $"{p.Field}: {p.Message}")]));
        return rows;
    }

    /// <summary>A body that comes in pieces of at most <paramref name="most"/> bytes, as a slow network gives it.</summary>
    private sealed class Trickle(byte[] bytes, int most) : MemoryStream(bytes, writable: false)
    {
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, most)]);

        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, most));

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, most)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, most), cancellationToken);
    }

    /// <summary>
    /// <c>{"studySessions":[row, row, …]}</c> made as it is read, never held whole, so its position says how far ahead of
    /// the rows handed out the reader has read. Every row is the same length, so where each ends is known.
    /// </summary>
    private sealed class RowsStream(int rows) : Stream
    {
        private static readonly byte[] Head = "{\"studySessions\":["u8.ToArray();

        private static byte[] Row(int i) =>
            Encoding.UTF8.GetBytes($$$"""{"branchId":"b1","id":"s{{{i:D6}}}","title":"集中学习劳模表彰大会讲话精神","attendees":{"total":40}}""");

        /// <summary>A row and the comma after it (after the last, the ends of the list and of the object).</summary>
        private static readonly int Stride = Row(0).Length + 1;

        public static long EndOfRow(int i) => Head.Length + (long)i * Stride + Stride - 1;

        private long _position;

        public override long Length => Head.Length + (long)rows * Stride + 1;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var written = 0;
            while (written < buffer.Length && _position < Length)
            {
                var (piece, start) = PieceAt(_position);
                var n = Math.Min(buffer.Length - written, piece.Length - start);
                piece.AsSpan(start, n).CopyTo(buffer[written..]);
                (written, _position) = (written + n, _position + n);
            }
            return written;
        }

        /// <summary>The piece of the body <paramref name="position"/> is in (the head, or a row with what follows it), and where in it.</summary>
        private (byte[], int) PieceAt(long position)
        {
            if (position < Head.Length) return (Head, (int)position);
            var row = (int)Math.Min((position - Head.Length) / Stride, rows - 1);
            byte[] piece = [.. Row(row), .. row < rows - 1 ? ","u8 : "]}"u8];
            return (piece, (int)(position - Head.Length - (long)row * Stride));
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
