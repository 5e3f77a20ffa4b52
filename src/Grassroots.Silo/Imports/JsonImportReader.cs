using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Grassroots.Silo.Apis;

namespace Grassroots.Silo.Imports;

/// <summary>
/// Reads a JSON import body, <c>{branches:[…], studySessions:[…], honoreeTalks:[…], publicity:[…]}</c>, one row at a time from a
/// stream: only the row being read is in memory, however long the body. The body itself must be strict JSON (each list
/// once, no lone surrogates; unknown fields ignored) or it is an <see cref="ImportFormatException"/>; a row that does not
/// fit its row type (a number sent as text, a field twice) is a problem of that row only.
/// </summary>
public sealed class JsonImportReader(Stream body, JsonSerializerOptions options)
{
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(64 << 10);
    private int _start, _end;
    private long _consumed;
    private bool _final;
    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = 64 });
    private Phase _phase = Phase.Start;
    private ImportKind? _section;
    private long _index;
    private readonly HashSet<string> _seen = [];

    private enum Phase { Start, Properties, List, Items, Done }

    /// <param name="parse">False to check the body's shape only, without reading rows into their types.</param>
    /// <param name="only">The kinds of rows wanted (the others are still read through, so the body is checked, but not parsed).</param>
    public async IAsyncEnumerable<ReadRow> ReadAsync(bool parse = true, Func<ImportKind, bool>? only = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var (kind, index, json) in ReadRawAsync(cancellationToken))
        {
            if (only is not null && !only(kind)) continue;
            yield return parse ? Parse(kind, index, json) : new ReadRow(kind, 0, null, index, null, []);
        }
    }

    /// <summary>Each row as the JSON text it was sent as, with its list and its index there (the import command re-chunks these).</summary>
    public async IAsyncEnumerable<(ImportKind Kind, long Index, byte[] Json)> ReadRawAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            while (true)
            {
                var (step, kind, index, json) = Next();
                if (step == Step.Row) yield return (kind!, index, json!);
                else if (step == Step.End) yield break;
                else await FillAsync(cancellationToken);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private enum Step { Row, More, End }

    /// <summary>The next row in what is buffered, or that more input is needed.</summary>
    private (Step, ImportKind?, long, byte[]?) Next()
    {
        var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _final, _state);
        try
        {
            while (true)
            {
                var before = reader.BytesConsumed;
                var state = reader.CurrentState;
                if (!reader.Read())
                {
                    if (!_final) return More(before, state);
                    if (_phase == Phase.Start) throw new ImportFormatException("body", FieldChecks.MissingBody);
                    if (_phase != Phase.Done) throw Malformed("The body ends before the JSON object is closed.");
                    return (Step.End, null, 0, null);
                }
                switch (_phase)
                {
                    case Phase.Start:
                        if (reader.TokenType != JsonTokenType.StartObject) throw new ImportFormatException("body", FieldChecks.MissingBody);
                        _phase = Phase.Properties;
                        break;
                    case Phase.Properties when reader.TokenType == JsonTokenType.EndObject:
                        _phase = Phase.Done;
                        break;
                    case Phase.Properties:
                        var name = reader.GetString()!;
                        if (!_seen.Add(name)) throw new ImportFormatException(name, "Appears more than once; send each list once.");
                        _section = ImportKinds.All.FirstOrDefault(k => k.JsonName == name);
                        _phase = Phase.List;
                        break;
                    case Phase.List when _section is null:
                        // A field this service does not know: skipped, but it must still be well-formed JSON.
                        if (!Skip(ref reader)) return More(before, state);
                        _phase = Phase.Properties;
                        break;
                    case Phase.List:
                        if (reader.TokenType == JsonTokenType.Null) _phase = Phase.Properties;
                        else if (reader.TokenType == JsonTokenType.StartArray) (_phase, _index) = (Phase.Items, 0);
                        else throw new ImportFormatException(_section.JsonName, "Must be a list of rows.");
                        break;
                    case Phase.Items when reader.TokenType == JsonTokenType.EndArray:
                        _phase = Phase.Properties;
                        break;
                    case Phase.Items:
                        var from = (int)reader.TokenStartIndex;
                        if (!Skip(ref reader)) return More(before, state);
                        var json = _buffer.AsSpan(_start + from, (int)reader.BytesConsumed - from).ToArray();
                        Consume(ref reader);
                        return (Step.Row, _section, _index++, json);
                    case Phase.Done:
                        throw Malformed("Nothing may follow the JSON object.");
                }
            }
        }
        catch (JsonException e)
        {
            throw Malformed($"Not valid JSON at byte {_consumed + reader.BytesConsumed}: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            throw Malformed($"Not valid JSON text at byte {_consumed + reader.BytesConsumed}: {e.Message}");
        }
    }

    /// <summary>Skips a value; strings are read so that a lone surrogate is refused here as everywhere else.</summary>
    private static bool Skip(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String) _ = reader.GetString();
        return reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray) || reader.TrySkip();
    }

    private void Consume(ref Utf8JsonReader reader)
    {
        _start += (int)reader.BytesConsumed;
        _consumed += reader.BytesConsumed;
        _state = reader.CurrentState;
    }

    private (Step, ImportKind?, long, byte[]?) More(long consumed, JsonReaderState state)
    {
        _start += (int)consumed;
        _consumed += consumed;
        _state = state;
        return (Step.More, null, 0, null);
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            (_end, _start) = (_end - _start, 0);
        }
        if (_end == _buffer.Length)
        {
            // One row larger than the buffer: grow it (the request's size limit bounds this).
            var larger = ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, larger, 0, _end);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }
        var read = await body.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        if (read == 0) _final = true;
        _end += read;
    }

    private ReadRow Parse(ImportKind kind, long index, byte[] json)
    {
        if (json.Length == 0 || json[0] != (byte)'{')
            return new ReadRow(kind, 0, null, index, null, [("row", "Must be a JSON object.")]);
        try
        {
            var row = (IImportRow)JsonSerializer.Deserialize(json, kind.RowType, options)!;
            return new ReadRow(kind, 0, null, index, row, []);
        }
        catch (JsonException e)
        {
            // The row's own key, if it can be read, so the conflict names which record it was.
            IImportRow? key = null;
            try
            {
                key = JsonSerializer.Deserialize<RowKey>(json, JsonSerializerOptions.Web);
            }
            catch (JsonException)
            {
            }
            var field = e.Path is null or "$" ? "row" : e.Path.TrimStart('$', '.');
            var message = e.Message.StartsWith("Duplicate", StringComparison.Ordinal)
                ? "Appears more than once; send each field once."
                : "Not a valid value for this field, or not valid JSON here.";
            return new ReadRow(kind, 0, null, index, key, [(field, message)]);
        }
    }

    private ImportFormatException Malformed(string message) => new("body", message);

    private sealed record RowKey(string? BranchId, string? Id) : IImportRow;
}
