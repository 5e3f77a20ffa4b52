namespace Grassroots.Runtime.Persistence;

/// <summary>What a storage read returns: the serialized state and its version; null when nothing is stored.</summary>
public sealed record StoredState(string Payload, string ETag);

/// <summary>
/// Stores grain state as opaque payloads with a version. <see cref="WriteAsync"/> and <see cref="ClearAsync"/>
/// succeed only when <paramref name="expectedETag"/> matches what is stored (null: nothing stored yet),
/// else throw <see cref="InconsistentStateException"/>.
/// </summary>
public interface IGrainStorage
{
    Task<StoredState?> ReadAsync(string stateName, GrainId id);
    Task<string> WriteAsync(string stateName, GrainId id, string payload, string? expectedETag);
    Task ClearAsync(string stateName, GrainId id, string? expectedETag);
}
