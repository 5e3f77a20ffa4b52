using System.Text;
using Grassroots.Domain;
using Microsoft.Net.Http.Headers;

namespace Grassroots.Silo.Imports;

/// <summary>
/// A body that cannot be read as an import at all (not JSON, no header, no rows…): answered 400, nothing stored. Its
/// <see cref="Reason"/> is said in the request's language; its Message, the reason in English, is what a job keeps.
/// </summary>
public sealed class ImportFormatException(string field, Message reason) : Exception(reason.English)
{
    public string Field { get; } = field;

    public Message Reason { get; } = reason;
}

/// <summary>How an import body is written.</summary>
public enum ImportMedia { Json, Csv, Xlsx }

/// <summary>
/// What an import body is: JSON; CSV of one kind of record in UTF-8 (with or without a byte order mark) or GB18030, which
/// is what Excel on a Chinese Windows saves as "CSV"; or an Excel workbook (.xlsx) whose first sheet holds one kind of
/// record as a CSV file would. Which of the two encodings a CSV body is, is decided by <see cref="CsvDecoding"/> before
/// anything is stored; both encodings here are strict, so that a byte that is not what they say is an error and never a
/// replacement character.
/// </summary>
public sealed record ImportFormat(ImportMedia Body, ImportKind? Kind, Encoding? Encoding)
{
    /// <summary>
    /// A JSON body whose branches follow some of its records: read twice, branches first, so that they are registered
    /// before their records are logged (see <see cref="ImportShape"/>).
    /// </summary>
    public bool BranchesLater { get; init; }

    public bool IsCsv => Body == ImportMedia.Csv;

    public static readonly string[] CsvMediaTypes = ["text/csv", "application/csv", "application/vnd.ms-excel"];

    public const string XlsxMediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static readonly Encoding Gb18030;

    static ImportFormat()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        Gb18030 = Encoding.GetEncoding("GB18030", EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
    }

    /// <summary>The format a request declares; null when its Content-Type is neither JSON, CSV nor xlsx (415).</summary>
    public static ImportFormat? From(string? contentType, string? type)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var media)) return null;
        var mediaType = media.MediaType.Value?.ToLowerInvariant();
        if (mediaType == "application/json") return new ImportFormat(ImportMedia.Json, null, null);
        var body = mediaType == XlsxMediaType ? ImportMedia.Xlsx : CsvMediaTypes.Contains(mediaType) ? ImportMedia.Csv : (ImportMedia?)null;
        if (body is null) return null;
        var kind = type is null ? null : ImportKinds.Named(type);
        if (kind is null) throw new ImportFormatException("type", new Message(MessageKeys.ImportTypeRequired, body == ImportMedia.Csv ? "CSV" : "Excel", string.Join(", ", ImportKinds.TypeNames)));
        return new ImportFormat(body.Value, kind, body == ImportMedia.Csv && media.Charset.HasValue ? EncodingNamed(media.Charset.Value!) : null);
    }

    /// <summary>The same format with its CSV encoding decided (see <see cref="CsvDecoding"/>).</summary>
    public ImportFormat WithEncoding(Encoding encoding) => this with { Encoding = encoding };

    /// <summary>As stored with an import job: "json", "json:branches-later", "csv:type:encoding" or "xlsx:type".</summary>
    public override string ToString() => Body switch
    {
        ImportMedia.Csv => $"csv:{Kind!.Type}:{Encoding?.WebName ?? "auto"}",
        ImportMedia.Xlsx => $"xlsx:{Kind!.Type}",
        _ => BranchesLater ? "json:branches-later" : "json",
    };

    public static ImportFormat Parse(string text)
    {
        if (text.StartsWith("json", StringComparison.Ordinal)) return new ImportFormat(ImportMedia.Json, null, null) { BranchesLater = text == "json:branches-later" };
        var parts = text.Split(':');
        if (parts[0] == "xlsx") return new ImportFormat(ImportMedia.Xlsx, ImportKinds.Named(parts[1]), null);
        return new ImportFormat(ImportMedia.Csv, ImportKinds.Named(parts[1]), parts[2] == "auto" ? null : EncodingNamed(parts[2]));
    }

    private static Encoding EncodingNamed(string charset) => charset.Trim('"').ToLowerInvariant() switch
    {
        "utf-8" or "utf8" => Utf8,
        "gb18030" or "gbk" or "gb2312" => Gb18030,
        var other => throw new ImportFormatException("Content-Type", new Message(MessageKeys.ImportCharset, other)),
    };
}
