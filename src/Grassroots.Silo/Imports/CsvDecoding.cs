using System.Buffers;
using System.Text.Unicode;
using System.Text;
using Grassroots.Domain;

namespace Grassroots.Silo.Imports;

/// <summary>
/// Decides, before anything is stored, how a CSV import's bytes are read, so that no row is ever stored garbled or with a
/// replacement character:
/// <list type="number">
/// <item>a charset in the Content-Type is taken at its word, strictly: the whole body must decode in it;</item>
/// <item>otherwise the body is UTF-8 (a byte order mark included) if it decodes as UTF-8 whole;</item>
/// <item>a body that does not, but whose well-formed multi-byte UTF-8 characters number at least
/// <see cref="Utf8Evidence"/> times its invalid sequences, is UTF-8 with an error, refused at its first bad byte;</item>
/// <item>otherwise it is GB18030 if it decodes whole with a strict decoder;</item>
/// <item>otherwise it is refused at its first byte that is not GB18030.</item>
/// </list>
/// Rule 3 exists because UTF-8 Chinese with one bad byte often decodes "whole" as GB18030 nonsense: measured on
/// generated study-session files with one byte replaced, inserted or deleted, 22.6% of one-row files with an ASCII header
/// (11.2% with a Chinese header, 11.8% of two-row files, about 0.1% of ten-row files) did. Real GB18030 files of the same
/// rows (5,000 files, 1 to 1,000 rows) never had more than one well-formed UTF-8 sequence per invalid one, so the factor
/// 2 refuses none of them and leaves 12 of the 7,832 corrupted one- and two-row UTF-8 files (0.15%) read as GB18030. Its
/// errors are on the safe side: a GB18030 file it refuses is a 400 naming the byte, and sending it again with
/// <c>charset=gb18030</c> imports it. A refusal names the line (counted by line feeds, from 1) and the byte offset (from
/// 0) of the first bad byte. (The figures are from a one-off experiment with .NET's GB18030 decoder, not a kept test.)
/// </summary>
public static class CsvDecoding
{
    public const int Utf8Evidence = 2;

    private const int BufferSize = 64 << 10;

    /// <summary>The encoding to read the body in; throws <see cref="ImportFormatException"/> (field "body") when there is none.</summary>
    public static async Task<Encoding> DecideAsync(Func<Stream> open, Encoding? declared, CancellationToken cancellationToken)
    {
        BadBytes? notUtf8 = null;
        if (declared is null or UTF8Encoding)
        {
            await using (var body = open())
                if (await IsUtf8Async(body, cancellationToken)) return ImportFormat.Utf8;
            Utf8Census census;
            await using (var body = open()) census = await CensusAsync(body, cancellationToken);
            notUtf8 = census.FirstBad!; // there is one: the body is not UTF-8
            if (declared is not null)
                throw Refused(notUtf8, new(MessageKeys.EncodingNotDeclaredUtf8));
            if (census.WellFormed >= Utf8Evidence * census.Invalid)
                throw Refused(notUtf8, new(MessageKeys.EncodingMixedUtf8, census.WellFormed));
        }
        await using (var body = open())
        {
            if (await FirstBadGb18030Async(body, cancellationToken) is not { } bad) return ImportFormat.Gb18030;
            throw Refused(bad, notUtf8 is null
                ? new(MessageKeys.EncodingNotDeclaredGb18030)
                : new(MessageKeys.EncodingNeither, notUtf8.Line, notUtf8.Offset));
        }
    }

    /// <summary>Where a body stops decoding, and the bytes found there.</summary>
    public sealed record BadBytes(long Line, long Offset, byte[] Bytes);

    private sealed record Utf8Census(long WellFormed, long Invalid, BadBytes? FirstBad);

    private static ImportFormatException Refused(BadBytes bad, Message why) => new("body",
        new Message(MessageKeys.ImportBadBytes, bad.Line, bad.Offset, Convert.ToHexString(bad.Bytes), why));

    /// <summary>Whether the body is UTF-8 throughout: the common case, checked at the transcoder's speed before anything is counted.</summary>
    private static async Task<bool> IsUtf8Async(Stream body, CancellationToken cancellationToken)
    {
        var (buffer, chars, kept) = (new byte[BufferSize], new char[BufferSize], 0);
        while (true)
        {
            var read = await body.ReadAsync(buffer.AsMemory(kept), cancellationToken);
            var data = buffer.AsSpan(0, kept + read);
            // UTF-8 never needs more UTF-16 units than bytes, so the only outcomes are done, more data needed and invalid.
            if (Utf8.ToUtf16(data, chars, out var consumed, out _, replaceInvalidSequences: false, isFinalBlock: read == 0)
                == OperationStatus.InvalidData) return false;
            if (read == 0) return true;
            kept = data.Length - consumed;
            data[consumed..].CopyTo(buffer);
        }
    }

    /// <summary>Counts the well-formed multi-byte characters and the invalid sequences (as the Unicode standard delimits them).</summary>
    private static async Task<Utf8Census> CensusAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        var (kept, start, line, wellFormed, invalid) = (0, 0L, 1L, 0L, 0L);
        BadBytes? first = null;
        while (true)
        {
            var read = await body.ReadAsync(buffer.AsMemory(kept), cancellationToken);
            var final = read == 0;
            var data = buffer.AsSpan(0, kept + read);
            var i = 0;
            while (i < data.Length)
            {
                var ascii = data[i..].IndexOfAnyInRange((byte)0x80, (byte)0xFF);
                if (ascii < 0) ascii = data.Length - i;
                line += data.Slice(i, ascii).Count((byte)'\n');
                i += ascii;
                if (i == data.Length) break;
                var status = Rune.DecodeFromUtf8(data[i..], out _, out var consumed);
                if (status == OperationStatus.NeedMoreData && !final) break; // the rest of the character is in the next read
                if (status == OperationStatus.Done) wellFormed++;
                else
                {
                    invalid++;
                    first ??= new BadBytes(line, start + i, data.Slice(i, consumed).ToArray());
                }
                i += consumed;
            }
            if (final) return new Utf8Census(wellFormed, invalid, first);
            kept = data.Length - i;
            data[i..].CopyTo(buffer);
            start += i;
        }
    }

    /// <summary>
    /// The first bytes the strict decoder refuses, or null. The body is decoded in pieces that end on a byte below 0x30
    /// (a line feed, comma, space, quote…): no GB18030 multi-byte character holds one, so each piece decodes on its own
    /// and the decoder's index is exact.
    /// </summary>
    private static async Task<BadBytes?> FirstBadGb18030Async(Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[BufferSize];
        var (kept, start, line) = (0, 0L, 1L);
        while (true)
        {
            if (kept == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2); // a piece without a byte below 0x30
            var read = await body.ReadAsync(buffer.AsMemory(kept), cancellationToken);
            var final = read == 0;
            var filled = kept + read;
            var piece = final ? filled : buffer.AsSpan(0, filled).LastIndexOfAnyInRange((byte)0, (byte)0x2F) + 1;
            try
            {
                ImportFormat.Gb18030.GetCharCount(buffer, 0, piece);
            }
            catch (DecoderFallbackException e)
            {
                var at = Math.Max(0, e.Index);
                return new BadBytes(line + buffer.AsSpan(0, at).Count((byte)'\n'), start + at, e.BytesUnknown ?? [buffer[at]]);
            }
            if (final) return null;
            line += buffer.AsSpan(0, piece).Count((byte)'\n');
            kept = filled - piece;
            buffer.AsSpan(piece, kept).CopyTo(buffer);
            start += piece;
        }
    }
}
