namespace Grassroots.Runtime.Persistence;

/// <summary>Version-checked state in memory, for tests and single-process experiments.</summary>
public sealed class MemoryGrainStorage : IGrainStorage
{
    private readonly Dictionary<(string, GrainId), StoredState> _states = [];
    private long _version;

    public Task<StoredState?> ReadAsync(string stateName, GrainId id)
    {
        lock (_states) return Task.FromResult(_states.GetValueOrDefault((stateName, id)));
    }

    public Task<string> WriteAsync(string stateName, GrainId id, string payload, string? expectedETag)
    {
        lock (_states)
        {
            Check(stateName, id, expectedETag);
            var etag = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _states[(stateName, id)] = new StoredState(payload, etag);
            return Task.FromResult(etag);
        }
    }

    public Task ClearAsync(string stateName, GrainId id, string? expectedETag)
    {
        lock (_states)
        {
            Check(stateName, id, expectedETag);
            _states.Remove((stateName, id));
            return Task.CompletedTask;
        }
    }

    private void Check(string stateName, GrainId id, string? expectedETag)
    {
        var current = _states.GetValueOrDefault((stateName, id))?.ETag;
        if (current != expectedETag)
            throw new InconsistentStateException($"State '{stateName}' of {id} is at version {current ?? "none"}, not {expectedETag ?? "none"}.");
    }
}
