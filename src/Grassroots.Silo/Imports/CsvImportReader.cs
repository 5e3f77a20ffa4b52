using System.Runtime.CompilerServices;
using System.Text;
using Grassroots.Domain;
using Sylvan.Data.Csv;

namespace Grassroots.Silo.Imports;

/// <summary>
/// Reads the rows of a CSV import with Sylvan.Data.Csv: one kind of record per file, a header naming each column by the
/// API's field name or its Chinese name (参与人次, 基层工会编号…), nested fields flattened (attendees.total), the
/// separator found from the header (comma, semicolon, tab or bar). Cells are read as spans of the reader's buffer, so a
/// row costs no string but those it keeps. Quoting is RFC 4180 and strict: a quote left open, or text after a closing
/// quote, is a 400 naming the line rather than rows silently run together.
/// </summary>
public sealed class CsvImportReader(Stream body, ImportKind kind, Encoding encoding)
{
    /// <summary>A record larger than this (in characters) is refused: an unclosed quote must not swallow the file.</summary>
    public const int MaxRecordChars = 1 << 20;

    /// <summary>Reads the header and every row; a header or body that cannot serve is an <see cref="ImportFormatException"/>.</summary>
    public async IAsyncEnumerable<ReadRow> ReadAsync(long firstOrdinal = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var csv = await OpenAsync(body, encoding, cancellationToken);
        if (!await ReadAsync(csv, cancellationToken))
            throw new ImportFormatException("header", new Message(MessageKeys.ImportNoHeader));
        var builder = new ImportRowBuilder(ImportHeader.Map(Header(csv), kind));
        var ordinal = firstOrdinal;
        while (await ReadAsync(csv, cancellationToken))
        {
            builder.Begin();
            for (var i = 0; i < csv.RowFieldCount; i++) builder.Text(i, csv.GetFieldSpan(i));
            if (builder.End(csv.RowNumber, ordinal) is { } row)
            {
                ordinal++;
                yield return row;
            }
        }
    }

    /// <summary>
    /// Reads the whole body as the import will, without making rows: whether its header serves and it is CSV to its end,
    /// and how many rows it holds (those with a value in a column of the import).
    /// </summary>
    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var csv = await OpenAsync(body, encoding, cancellationToken);
        if (!await ReadAsync(csv, cancellationToken))
            throw new ImportFormatException("header", new Message(MessageKeys.ImportNoHeader));
        var columns = ImportHeader.Map(Header(csv), kind).Columns;
        long rows = 0;
        while (await ReadAsync(csv, cancellationToken))
        {
            for (var i = 0; i < csv.RowFieldCount && i < columns.Count; i++)
            {
                if (columns[i] is null || csv.GetFieldSpan(i).IsWhiteSpace()) continue;
                rows++;
                break;
            }
        }
        return rows;
    }

    /// <summary>The header of a CSV file as written (the import command re-sends it with each chunk).</summary>
    public static string[] Header(CsvDataReader csv) => [.. Enumerable.Range(0, csv.RowFieldCount).Select(i => csv.GetString(i).TrimStart('\uFEFF'))];

    /// <summary>A reader over the body in its decided encoding, the header being its first row.</summary>
    public static async Task<CsvDataReader> OpenAsync(Stream body, Encoding encoding, CancellationToken cancellationToken)
    {
        // No byte order mark detection: the encoding was decided from the whole body (CsvDecoding); a UTF-8 BOM reads as
        // U+FEFF before the first header, which the header's map skips.
        var text = new StreamReader(body, encoding, detectEncodingFromByteOrderMarks: false, bufferSize: 64 << 10, leaveOpen: true);
        var options = new CsvDataReaderOptions { HasHeaders = false, MaxBufferSize = MaxRecordChars, Comment = '\0', OwnsReader = true };
        try
        {
            return await CsvDataReader.CreateAsync(text, options, cancellationToken);
        }
        catch (CsvFormatException e)
        {
            throw new ImportFormatException("header", new Message(MessageKeys.ImportHeaderUnreadable, e.Message));
        }
    }

    /// <summary>The next row; a body that is not CSV from here on is an <see cref="ImportFormatException"/> naming the line.</summary>
    public static async Task<bool> ReadAsync(CsvDataReader csv, CancellationToken cancellationToken)
    {
        try
        {
            return await csv.ReadAsync(cancellationToken);
        }
        catch (CsvRecordTooLargeException)
        {
            throw new ImportFormatException("body", new Message(MessageKeys.ImportLineTooLong, csv.RowNumber + 1, MaxRecordChars));
        }
        catch (CsvFormatException e)
        {
            throw new ImportFormatException("body", new Message(MessageKeys.ImportNotCsv, e.RowNumber, e.Message));
        }
    }
}
