using Orleans.Storage;

namespace Grassroots.Silo.Hosting;

/// <summary>
/// Runs another grain storage's operations on the thread pool. Microsoft.Data.Sqlite does its I/O synchronously even in
/// its async methods, so the ADO.NET provider over SQLite would otherwise block an Orleans scheduler thread while a
/// grain reads or writes its state.
/// </summary>
public sealed class OffThreadGrainStorage(IGrainStorage inner) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Task.Run(() => inner.ReadStateAsync(stateName, grainId, grainState));

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Task.Run(() => inner.WriteStateAsync(stateName, grainId, grainState));

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        Task.Run(() => inner.ClearStateAsync(stateName, grainId, grainState));
}
