using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Grassroots.Domain;
using Grassroots.Silo.Apis;

namespace Grassroots.Silo.Imports;

/// <summary>
/// Reads a JSON import body, <c>{branches:[…], studySessions:[…], honoreeTalks:[…], publicity:[…]}</c>, one row at a time from a
/// stream: a <see cref="PipeReader"/> holds what has arrived and <see cref="Utf8JsonReader"/> walks it, its state carried
/// from one read to the next, so only the row being read is in memory however long the body. The body itself must be
/// strict JSON (each list once, no lone surrogates; unknown fields ignored) or it is an <see cref="ImportFormatException"/>;
/// a row that does not fit its row type (a number sent as text, a field twice) is a problem of that row only.
/// </summary>
public sealed class JsonImportReader(Stream body, JsonSerializerOptions options)
{
    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = 64 });
    private ReadOnlySequence<byte> _unread;
    private long _offset; // of _unread in the body, for saying where the body is not JSON
    private bool _final;
    private Phase _phase = Phase.Start;
    private ImportKind? _list;
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
        var pipe = PipeReader.Create(body, new StreamPipeReaderOptions(bufferSize: 64 << 10, leaveOpen: true));
        try
        {
            while (true)
            {
                var read = await pipe.ReadAsync(cancellationToken);
                (_unread, _final) = (read.Buffer, read.IsCompleted);
                while (NextRow() is { } row) yield return row;
                if (_final) yield break;
                // What is left is a value not yet whole: kept, and read again with the bytes that complete it.
                pipe.AdvanceTo(_unread.Start, _unread.End);
            }
        }
        finally
        {
            await pipe.CompleteAsync();
        }
    }

    /// <summary>The next whole row in what has arrived; null when more must arrive first, or when the body is over.</summary>
    private (ImportKind, long, byte[])? NextRow()
    {
        // On the final block the reader itself refuses a body that is empty, ends inside the object or goes on after it.
        var reader = new Utf8JsonReader(_unread, _final, _state);
        try
        {
            while (true)
            {
                var (before, state) = (reader.BytesConsumed, reader.CurrentState);
                if (!reader.Read()) return Consume(before, state);
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
                        if (!_seen.Add(name)) throw new ImportFormatException(name, new Message(MessageKeys.ImportJsonListTwice));
                        _list = ImportKinds.All.FirstOrDefault(k => k.JsonName == name);
                        _phase = Phase.List;
                        break;
                    case Phase.List when _list is null:
                        // A field this service does not know: skipped, but it must still be well-formed JSON.
                        if (!Skip(ref reader)) return Consume(before, state);
                        _phase = Phase.Properties;
                        break;
                    case Phase.List:
                        if (reader.TokenType == JsonTokenType.Null) _phase = Phase.Properties;
                        else if (reader.TokenType == JsonTokenType.StartArray) (_phase, _index) = (Phase.Items, 0);
                        else throw new ImportFormatException(_list.JsonName, new Message(MessageKeys.ImportJsonNotList));
                        break;
                    case Phase.Items when reader.TokenType == JsonTokenType.EndArray:
                        _phase = Phase.Properties;
                        break;
                    case Phase.Items:
                        var from = reader.TokenStartIndex;
                        if (!Skip(ref reader)) return Consume(before, state);
                        var json = _unread.Slice(from, reader.BytesConsumed - from).ToArray();
                        Consume(reader.BytesConsumed, reader.CurrentState);
                        return (_list!, _index++, json);
                }
            }
        }
        catch (JsonException e)
        {
            throw Malformed(MessageKeys.ImportJsonInvalid, reader.BytesConsumed, e);
        }
        catch (InvalidOperationException e)
        {
            throw Malformed(MessageKeys.ImportJsonInvalidText, reader.BytesConsumed, e);
        }
    }

    /// <summary>Skips a value; strings are read so that a lone surrogate is refused here as everywhere else.</summary>
    private static bool Skip(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.String) _ = reader.GetString();
        return reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray) || reader.TrySkip();
    }

    /// <summary>Drops what has been read, up to <paramref name="bytes"/>, keeping the reader's state there.</summary>
    private (ImportKind, long, byte[])? Consume(long bytes, JsonReaderState state)
    {
        (_unread, _offset, _state) = (_unread.Slice(bytes), _offset + bytes, state);
        return null;
    }

    private ImportFormatException Malformed(string key, long bytesRead, Exception e) =>
        new("body", new Message(key, _offset + bytesRead, e.Message));

    private ReadRow Parse(ImportKind kind, long index, byte[] json)
    {
        if (json.Length == 0 || json[0] != (byte)'{')
            return new ReadRow(kind, 0, null, index, null, [("row", new Message(MessageKeys.ImportJsonRowNotObject).English)]);
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
            var message = new Message(e.Message.StartsWith("Duplicate", StringComparison.Ordinal) ? MessageKeys.ImportJsonFieldTwice : MessageKeys.ImportJsonBadValue);
            // Said in English, as an import's conflicts are.
            return new ReadRow(kind, 0, null, index, key, [(field, message.English)]);
        }
    }

    private sealed record RowKey(string? BranchId, string? Id) : IImportRow;
}
