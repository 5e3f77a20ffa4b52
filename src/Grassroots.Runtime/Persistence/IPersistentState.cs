namespace Grassroots.Runtime.Persistence;

/// <summary>
/// A grain's persistent state, as in Orleans: <see cref="State"/> is a plain record, <see cref="ETag"/> the
/// version last read or written. A write with a stale version throws <see cref="InconsistentStateException"/>;
/// the grain re-reads and decides again.
/// </summary>
public interface IPersistentState<TState>
{
    TState State { get; set; }
    string? ETag { get; }
    bool RecordExists { get; }
    Task ReadStateAsync();
    Task WriteStateAsync();
    Task ClearStateAsync();
}

/// <summary>Marks a grain constructor parameter that receives an <see cref="IPersistentState{TState}"/>.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string storageName = PersistentStateAttribute.DefaultStorage) : Attribute
{
    public const string DefaultStorage = "Default";
    public string StateName { get; } = stateName;
    public string StorageName { get; } = storageName;
}

/// <summary>Raised when a write's version no longer matches the stored one (another writer got there first).</summary>
public sealed class InconsistentStateException(string message) : Exception(message);
