using System.IO.Compression;
using System.Text;
using System.Xml;
using Grassroots.Domain;

namespace Grassroots.Silo.Imports;

/// <summary>
/// An Excel workbook (.xlsx: a zip of XML parts) opened for reading its first sheet, after the checks that keep a hostile
/// or unreadable file from costing more than its upload: it must be a zip (an encrypted workbook or an old .xls is a
/// compound file, refused by name), with at most <see cref="MaxEntries"/> parts, none unpacking to more than
/// <see cref="MaxRatio"/> times its packed size, <see cref="MaxUnpackedBytes"/> in all — checked on the sizes the zip
/// declares and again on the bytes each part really unpacks to. Its XML is read with DTDs refused.
/// Read with the framework's ZipArchive and XmlReader rather than an Excel library: on a 100,000-row sheet the libraries
/// measured 25–85 µs a row against 7 µs for the same loop over XmlReader (docs/benchmarks.md, "Excel in").
/// </summary>
public sealed class XlsxWorkbook : IDisposable
{
    public const int MaxEntries = 10_000;
    public const int MaxRatio = 100;
    public const long MaxUnpackedBytes = 256L << 20;

    /// <summary>Parts smaller than this unpacked may have any ratio (a part of a few repeated bytes packs very small).</summary>
    private const long RatioFloor = 1 << 20;

    private const string MainNamespace = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string RelationshipNamespace = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, IgnoreWhitespace = true,
        IgnoreProcessingInstructions = true, CloseInput = true,
    };

    private readonly ZipArchive _zip;

    private XlsxWorkbook(ZipArchive zip) => _zip = zip;

    /// <summary>The sheets in tab order: name and part path.</summary>
    public IReadOnlyList<(string Name, string Path)> Sheets { get; private set; } = [];

    /// <summary>The shared strings, by index.</summary>
    public IReadOnlyList<string> SharedStrings { get; private set; } = [];

    /// <summary>For each cell style (xf) index, whether its number format shows a date.</summary>
    public IReadOnlyList<bool> DateStyles { get; private set; } = [];

    /// <summary>Opens the workbook; an <see cref="ImportFormatException"/> (field "body") says why it cannot be read.</summary>
    public static async Task<XlsxWorkbook> OpenAsync(Stream body, CancellationToken cancellationToken)
    {
        if (!body.CanSeek)
        {
            // A job's body comes back from the database part by part; a zip is read from its end. It is at most the upload limit.
            var copy = new MemoryStream();
            await body.CopyToAsync(copy, cancellationToken);
            copy.Position = 0;
            body = copy;
        }
        return Open(body);
    }

    private static XlsxWorkbook Open(Stream body)
    {
        Refuse(What(body));
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(body, ZipArchiveMode.Read, leaveOpen: true, Encoding.UTF8);
        }
        catch (InvalidDataException e)
        {
            throw Refused(new(MessageKeys.XlsxZipDamaged, e.Message));
        }
        var workbook = new XlsxWorkbook(zip);
        try
        {
            workbook.CheckSizes();
            workbook.ReadParts();
            return workbook;
        }
        catch (Exception e) when (e is XmlException or InvalidDataException)
        {
            workbook.Dispose();
            throw Refused(new(MessageKeys.XlsxUnreadable, e.Message));
        }
        catch
        {
            workbook.Dispose();
            throw;
        }
    }

    /// <summary>A part's XML, unpacked under the limits; null when the workbook has no such part.</summary>
    public XmlReader? Part(string path)
    {
        if (_zip.GetEntry(path) is not { } entry) return null;
        return XmlReader.Create(new Bounded(entry.Open(), entry.FullName, entry.Length), Settings);
    }

    /// <summary>Whether a sheet holds at least one cell (a workbook whose first sheet is empty may hold its rows on another).</summary>
    public bool HasCells(string path)
    {
        using var xml = Part(path);
        if (xml is null) return false;
        while (xml.Read())
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "c") return true;
        return false;
    }

    public void Dispose() => _zip.Dispose();

    public static ImportFormatException Refused(Message message) => new("body", message);

    /// <summary>What the first bytes say the file is, when it is not a zip: a refusal, else null.</summary>
    private static Message? What(Stream body)
    {
        Span<byte> head = stackalloc byte[8];
        var read = body.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        body.Position = 0;
        if (read >= 4 && head[..4].SequenceEqual("PK\u0003\u0004"u8)) return null;
        if (read == 8 && head.SequenceEqual((ReadOnlySpan<byte>)[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]))
        {
            // A compound file: an encrypted .xlsx (it holds an EncryptionInfo stream) or a workbook of Excel 97–2003.
            var all = new byte[body.Length];
            body.ReadExactly(all);
            body.Position = 0;
            return all.AsSpan().IndexOf(Encoding.Unicode.GetBytes("EncryptionInfo")) >= 0
                ? new(MessageKeys.XlsxEncrypted)
                : new(MessageKeys.XlsxLegacy);
        }
        return new(MessageKeys.XlsxNotWorkbook);
    }

    private static void Refuse(Message? why)
    {
        if (why is not null) throw Refused(why);
    }

    private void CheckSizes()
    {
        if (_zip.Entries.Count > MaxEntries) throw Refused(new(MessageKeys.XlsxTooManyParts, _zip.Entries.Count, MaxEntries));
        long total = 0;
        foreach (var entry in _zip.Entries)
        {
            total += entry.Length;
            if (entry.Length > RatioFloor && entry.Length > MaxRatio * Math.Max(entry.CompressedLength, 1))
                throw Refused(new(MessageKeys.XlsxZipBomb, entry.FullName, entry.Length, entry.CompressedLength, MaxRatio));
        }
        if (total > MaxUnpackedBytes)
            throw Refused(new(MessageKeys.XlsxTooLarge, total, MaxUnpackedBytes));
    }

    private void ReadParts()
    {
        var workbookPath = Target("_rels/.rels", "", type => type.EndsWith("/officeDocument", StringComparison.Ordinal)).FirstOrDefault().Path
            ?? throw Refused(new(MessageKeys.XlsxNoWorkbookPart));
        var folder = workbookPath[..(workbookPath.LastIndexOf('/') + 1)];
        var relations = Target($"{folder}_rels/{workbookPath[folder.Length..]}.rels", folder, _ => true).ToDictionary(r => r.Id, r => (r.Path, r.Type));

        var sheets = new List<(string, string)>();
        using (var xml = Part(workbookPath) ?? throw Refused(new(MessageKeys.XlsxWorkbookPartMissing, workbookPath)))
            while (xml.Read())
                if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "sheet" && xml.NamespaceURI == MainNamespace
                    && relations.TryGetValue(xml.GetAttribute("id", RelationshipNamespace) ?? "", out var sheet))
                    sheets.Add((xml.GetAttribute("name") ?? "", sheet.Path));
        Sheets = sheets;
        if (relations.Values.FirstOrDefault(r => r.Type.EndsWith("/styles", StringComparison.Ordinal)).Path is { } styles) DateStyles = ReadStyles(styles);
        if (relations.Values.FirstOrDefault(r => r.Type.EndsWith("/sharedStrings", StringComparison.Ordinal)).Path is { } strings)
            SharedStrings = ReadSharedStrings(strings);
    }

    /// <summary>The relationships of a part that pass <paramref name="wanted"/> (by type), their targets as paths in the zip.</summary>
    private List<(string Id, string Path, string Type)> Target(string relationsPath, string folder, Func<string, bool> wanted)
    {
        var found = new List<(string, string, string)>();
        using var xml = Part(relationsPath);
        if (xml is null) return found;
        while (xml.Read())
        {
            if (xml.NodeType != XmlNodeType.Element || xml.LocalName != "Relationship" || xml.GetAttribute("TargetMode") == "External") continue;
            var (id, type, target) = (xml.GetAttribute("Id") ?? "", xml.GetAttribute("Type") ?? "", xml.GetAttribute("Target") ?? "");
            if (wanted(type)) found.Add((id, Resolve(folder, target), type));
        }
        return found;
    }

    private static string Resolve(string folder, string target)
    {
        var parts = new List<string>();
        foreach (var part in (target.StartsWith('/') ? target[1..] : folder + target).Split('/'))
        {
            if (part == "..") { if (parts.Count > 0) parts.RemoveAt(parts.Count - 1); }
            else if (part is not ("." or "")) parts.Add(part);
        }
        return string.Join('/', parts);
    }

    private bool[] ReadStyles(string path)
    {
        var custom = new Dictionary<int, string>();
        var styles = new List<bool>();
        using var xml = Part(path);
        if (xml is null) return [];
        var inCellFormats = false;
        while (xml.Read())
        {
            if (xml.NodeType == XmlNodeType.EndElement && xml.LocalName == "cellXfs") inCellFormats = false;
            if (xml.NodeType != XmlNodeType.Element) continue;
            switch (xml.LocalName)
            {
                case "numFmt" when int.TryParse(xml.GetAttribute("numFmtId"), out var id):
                    custom[id] = xml.GetAttribute("formatCode") ?? "";
                    break;
                case "cellXfs":
                    inCellFormats = !xml.IsEmptyElement;
                    break;
                case "xf" when inCellFormats:
                    var format = int.TryParse(xml.GetAttribute("numFmtId"), out var n) ? n : 0;
                    styles.Add(custom.TryGetValue(format, out var code) ? ShowsDate(code) : IsBuiltInDate(format));
                    break;
            }
        }
        return [.. styles];
    }

    /// <summary>Excel's built-in date and time formats (14–22, 45–47) and those of its Chinese, Japanese and Korean locales (27–36, 50–58).</summary>
    private static bool IsBuiltInDate(int id) => id is (>= 14 and <= 22) or (>= 27 and <= 36) or (>= 45 and <= 47) or (>= 50 and <= 58);

    /// <summary>Whether a format code shows a date: a y, m, d, h or s outside quotes, escapes and [brackets] (colours, locales).</summary>
    public static bool ShowsDate(string code)
    {
        var (quoted, bracket) = (false, false);
        for (var i = 0; i < code.Length; i++)
        {
            var c = code[i];
            if (c == '"') quoted = !quoted;
            else if (quoted) continue;
            else if (c == '\\' || c == '_' || c == '*') i++;
            else if (c == '[') bracket = true;
            else if (c == ']') bracket = false;
            else if (!bracket && "yYmMdDhHsS".Contains(c)) return true;
        }
        return false;
    }

    private List<string> ReadSharedStrings(string path)
    {
        var strings = new List<string>();
        using var xml = Part(path);
        if (xml is null) return strings;
        while (xml.Read())
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "si") strings.Add(ReadText(xml));
        return strings;
    }

    /// <summary>
    /// The text of a shared string or inline string (the reader on its si or is element, left on its end): its t, or its
    /// rich-text runs' t joined; the phonetic guides (rPh) a Chinese or Japanese Excel adds are not part of the text.
    /// </summary>
    public static string ReadText(XmlReader xml)
    {
        if (xml.IsEmptyElement) return "";
        var depth = xml.Depth;
        string? first = null;
        StringBuilder? more = null;
        xml.Read();
        while (xml.Depth > depth)
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "rPh") xml.Skip();
            else if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "t")
            {
                var text = xml.ReadElementContentAsString();
                if (first is null) first = text;
                else (more ??= new StringBuilder(first)).Append(text);
            }
            else xml.Read();
        }
        return more?.ToString() ?? first ?? "";
    }

    /// <summary>
    /// A part's stream that refuses to unpack past what its zip entry declares, so the declared sizes checked on opening
    /// bound what is read.
    /// </summary>
    private sealed class Bounded(Stream inner, string name, long declared) : Stream
    {
        private long _read;

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));
        public override int Read(Span<byte> buffer) => Count(inner.Read(buffer));

        private int Count(int n)
        {
            _read += n;
            if (_read > declared) throw Refused(new(MessageKeys.XlsxPartOverDeclared, name, declared));
            return n;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
