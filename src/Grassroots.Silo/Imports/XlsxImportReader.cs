using System.Globalization;
using System.Runtime.CompilerServices;
using System.Xml;
using Grassroots.Domain;

namespace Grassroots.Silo.Imports;

/// <summary>
/// Reads the rows of an Excel import: the workbook's first sheet, its first row with a value being the header (the CSV
/// templates' headers, Chinese or the API's), then one row of one kind per sheet row, read as a stream of XML so only the
/// row being read is in memory besides the shared strings. Text cells are read as CSV cells are (Chinese labels
/// included); number cells as numbers, and as dates where their format shows a date. What a CSV file cannot hold is
/// refused with a 400 naming the sheet and cell, so that nothing is imported from a sheet read other than as it shows:
/// a formula (its text is never evaluated, and its cached result may be stale), merged cells, a date column holding a
/// bare number (a date that lost its format), more than <see cref="MaxRows"/> rows, or rows on another sheet than the first.
/// </summary>
public sealed class XlsxImportReader(Stream body, ImportKind kind)
{
    /// <summary>
    /// Rows a sheet may hold: fewer than Excel's 1,048,576, so a sheet filled to Excel's last row (a value or a formula
    /// dragged down) is refused rather than read for minutes.
    /// </summary>
    public const int MaxRows = 1_000_000;

    public async IAsyncEnumerable<ReadRow> ReadAsync(long firstOrdinal = 0, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var sheet = Sheet.Open(await XlsxWorkbook.OpenAsync(body, cancellationToken), kind, firstOrdinal);
        while (sheet.Next() is { } row)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return row;
        }
    }

    /// <summary>The first sheet of a workbook, read row by row.</summary>
    private sealed class Sheet : IDisposable
    {
        private readonly XlsxWorkbook _workbook;
        private readonly XmlReader _xml;
        private readonly ImportKind _kind;
        private readonly string _name;
        private readonly string _row, _cell, _value, _formula, _inline, _merged;
        private readonly List<string> _header = [];
        private ImportRowBuilder? _builder;
        private long _line, _ordinal, _rows;
        private int _position;

        private Sheet(XlsxWorkbook workbook, XmlReader xml, ImportKind kind, string name, long ordinal)
        {
            (_workbook, _xml, _kind, _name, _ordinal) = (workbook, xml, kind, name, ordinal);
            // Element names atomized once, so each comparison is a reference comparison.
            var names = xml.NameTable;
            (_row, _cell, _value, _formula, _inline, _merged) = (names.Add("row"), names.Add("c"), names.Add("v"), names.Add("f"), names.Add("is"), names.Add("mergeCell"));
        }

        public static Sheet Open(XlsxWorkbook workbook, ImportKind kind, long ordinal)
        {
            try
            {
                if (workbook.Sheets.Count == 0) throw XlsxWorkbook.Refused(new(MessageKeys.XlsxNoSheet));
                var (name, path) = workbook.Sheets[0];
                var xml = workbook.Part(path) ?? throw XlsxWorkbook.Refused(new(MessageKeys.XlsxSheetMissing, name));
                return new Sheet(workbook, xml, kind, name, ordinal);
            }
            catch
            {
                workbook.Dispose();
                throw;
            }
        }

        /// <summary>The next row with a value; null at the end of the sheet.</summary>
        public ReadRow? Next()
        {
            try
            {
                while (_xml.Read())
                {
                    if (_xml.NodeType == XmlNodeType.EndElement && (object)_xml.LocalName == _row)
                    {
                        if (EndRow() is { } row) return row;
                        continue;
                    }
                    if (_xml.NodeType != XmlNodeType.Element) continue;
                    var name = _xml.LocalName;
                    if ((object)name == _row)
                    {
                        _line = long.TryParse(_xml.GetAttribute("r"), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : _line + 1;
                        _position = -1;
                        _builder?.Begin();
                        if (_xml.IsEmptyElement && EndRow() is { } empty) return empty;
                    }
                    else if ((object)name == _cell) Cell();
                    else if ((object)name == _merged)
                        throw XlsxWorkbook.Refused(new(MessageKeys.XlsxMerged, $"{_name}!{_xml.GetAttribute("ref")}"));
                }
            }
            catch (Exception e) when (e is XmlException or InvalidDataException)
            {
                throw XlsxWorkbook.Refused(new(MessageKeys.XlsxSheetDamaged, _name, e.Message));
            }
            if (_builder is null) throw XlsxWorkbook.Refused(EmptyFirstSheet());
            return null;
        }

        private ReadRow? EndRow()
        {
            if (_builder is null)
            {
                if (!_header.All(string.IsNullOrWhiteSpace)) _builder = new ImportRowBuilder(ImportHeader.Map(_header, _kind, _name));
                return null;
            }
            var row = _builder.End(_line, _ordinal);
            if (row is null) return null;
            if (++_rows > MaxRows)
                throw XlsxWorkbook.Refused(new(MessageKeys.XlsxTooManyRows, _name, MaxRows));
            _ordinal++;
            return row;
        }

        private void Cell()
        {
            var (reference, type, style) = (_xml.GetAttribute("r"), _xml.GetAttribute("t"), _xml.GetAttribute("s"));
            _position = reference is null ? _position + 1 : Column(reference);
            if (_xml.IsEmptyElement) return;
            string? value = null;
            var depth = _xml.Depth;
            _xml.Read();
            while (_xml.Depth > depth)
            {
                var element = _xml.NodeType == XmlNodeType.Element ? _xml.LocalName : null;
                if ((object?)element == _formula)
                    throw XlsxWorkbook.Refused(new(MessageKeys.XlsxFormula, $"{_name}!{reference}", FormulaText()));
                if ((object?)element == _value) value = _xml.ReadElementContentAsString();
                else if ((object?)element == _inline) value = XlsxWorkbook.ReadText(_xml);
                else _xml.Read();
            }
            if (value is null) return;
            var text = type switch
            {
                "s" => int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < _workbook.SharedStrings.Count
                    ? _workbook.SharedStrings[index]
                    : throw XlsxWorkbook.Refused(new(MessageKeys.XlsxNoSharedString, $"{_name}!{reference}")),
                "b" => value == "1" ? "TRUE" : "FALSE",
                "d" => value.Length > 10 ? value[..10] : value, // an ISO 8601 date cell
                "inlineStr" or "str" or "e" => value,
                _ => null, // a number
            };
            if (_builder is null)
            {
                while (_header.Count <= _position) _header.Add("");
                _header[_position] = text ?? value;
            }
            else if (text is not null) _builder.Text(_position, text);
            else if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                throw XlsxWorkbook.Refused(new(MessageKeys.XlsxNoNumber, $"{_name}!{reference}", value));
            else if (!_builder.Number(_position, number, int.TryParse(style, out var s) && s < _workbook.DateStyles.Count && _workbook.DateStyles[s]))
                throw XlsxWorkbook.Refused(new(MessageKeys.XlsxDateAsNumber, $"{_name}!{reference}", _header[_position], value));
        }

        private Message EmptyFirstSheet()
        {
            var others = _workbook.Sheets.Skip(1).Where(s => _workbook.HasCells(s.Path)).Select(s => s.Name).ToList();
            return others.Count == 0
                ? new(MessageKeys.XlsxFirstSheetEmpty, _name)
                : new(MessageKeys.XlsxFirstSheetEmptyOthers, _name, string.Join(", ", others));
        }

        private string FormulaText()
        {
            var formula = _xml.IsEmptyElement ? "" : _xml.ReadElementContentAsString();
            return "=" + (formula.Length > 40 ? formula[..40] + "…" : formula);
        }

        /// <summary>The column of a cell reference such as E5, from 0.</summary>
        private static int Column(string reference)
        {
            var column = 0;
            foreach (var c in reference)
            {
                if (c is < 'A' or > 'Z') break;
                column = column * 26 + (c - 'A' + 1);
            }
            return column - 1;
        }

        public void Dispose()
        {
            _xml.Dispose();
            _workbook.Dispose();
        }
    }
}
