using System.Globalization;
using Grassroots.Runtime;
using Grassroots.Runtime.Persistence;

namespace Grassroots.Storage;

/// <summary>Grain state in the grain_state table; writes ride the group committer like every other write.</summary>
public sealed class SqlGrainStorage(Database database, GroupCommitter committer) : IGrainStorage
{
    public static readonly Table GrainState = new("grain_state", ["grain_type", "grain_key", "state_name"], ["payload"], versioned: true);

    /// <summary>
    /// The payload of cleared state. The row stays, with its version bumped, so versions never go back and a writer
    /// still holding a version from before the clear conflicts even after the state is written again.
    /// </summary>
    private const string Cleared = "null";

    private sealed record Row(string Payload, long Version);

    public async Task<StoredState?> ReadAsync(string stateName, GrainId id) =>
        await ReadRowAsync(stateName, id).ConfigureAwait(false) is { Payload: not Cleared } row
            ? new StoredState(row.Payload, row.Version.ToString(CultureInfo.InvariantCulture))
            : null;

    public async Task<string> WriteAsync(string stateName, GrainId id, string payload, string? expectedETag)
    {
        try
        {
            return await PutAsync(stateName, id, payload, Version(expectedETag)).ConfigureAwait(false);
        }
        catch (InconsistentStateException) when (expectedETag is null)
        {
            // "Nothing stored" also holds for cleared state, which is a row at some version: expect that version.
            if (await ReadRowAsync(stateName, id).ConfigureAwait(false) is not { Payload: Cleared } cleared) throw;
            return await PutAsync(stateName, id, payload, cleared.Version).ConfigureAwait(false);
        }
    }

    public async Task ClearAsync(string stateName, GrainId id, string? expectedETag)
    {
        if (expectedETag is null)
        {
            if (await ReadAsync(stateName, id).ConfigureAwait(false) is { } stored)
                throw new InconsistentStateException($"State '{stateName}' of {id} is at version {stored.ETag}, not none.");
            return;
        }
        await PutAsync(stateName, id, Cleared, Version(expectedETag)).ConfigureAwait(false);
    }

    private async Task<string> PutAsync(string stateName, GrainId id, string payload, long expected)
    {
        await committer.CommitAsync(new WriteUnit([new VersionedPut(GrainState, [id.Type, id.Key, stateName], [payload], expected)]))
            .ConfigureAwait(false);
        return (expected + 1).ToString(CultureInfo.InvariantCulture);
    }

    private async Task<Row?> ReadRowAsync(string stateName, GrainId id)
    {
        var rows = await database.QueryAsync(
            "SELECT payload, version FROM grain_state WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3",
            [id.Type, id.Key, stateName],
            r => new Row(r.GetString(0), Convert.ToInt64(r.GetValue(1)))).ConfigureAwait(false);
        return rows.FirstOrDefault();
    }

    private static long Version(string? etag) => etag is null ? 0 : long.Parse(etag, CultureInfo.InvariantCulture);
}
