using Orleans.Storage;

namespace Grassroots.Silo.Hosting;

/// <summary>
/// Stores every grain's state under its key as text. Orleans' ADO.NET provider reads a string key that looks like a
/// hexadecimal number (a campaign "c1", an API key's hex id) as that number, so keys that differ only in case or in
/// leading zeros ("A" and "a", "0a" and "a") would share one row. A prefix that no number has keeps each key its own.
/// </summary>
public sealed class StringKeyedGrainStorage(IGrainStorage inner) : IGrainStorage
{
    private const string Prefix = "k:";

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, Stored(grainId), grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.WriteStateAsync(stateName, Stored(grainId), grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, Stored(grainId), grainState);

    private static GrainId Stored(GrainId grainId) => GrainId.Create(grainId.Type, Prefix + grainId.Key);
}
