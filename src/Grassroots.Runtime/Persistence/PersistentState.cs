using System.Text.Json;

namespace Grassroots.Runtime.Persistence;

/// <summary>Binds one grain's state to a storage; the state travels as JSON.</summary>
internal sealed class PersistentState<TState>(string stateName, GrainId id, IGrainStorage storage) : IPersistentState<TState>
    where TState : new()
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public TState State { get; set; } = new();
    public string? ETag { get; private set; }
    public bool RecordExists => ETag is not null;

    public async Task ReadStateAsync()
    {
        var stored = await storage.ReadAsync(stateName, id).ConfigureAwait(false);
        State = stored is null ? new TState() : JsonSerializer.Deserialize<TState>(stored.Payload, Json) ?? new TState();
        ETag = stored?.ETag;
    }

    public async Task WriteStateAsync() =>
        ETag = await storage.WriteAsync(stateName, id, JsonSerializer.Serialize(State, Json), ETag).ConfigureAwait(false);

    public async Task ClearStateAsync()
    {
        await storage.ClearAsync(stateName, id, ETag).ConfigureAwait(false);
        State = new TState();
        ETag = null;
    }
}
