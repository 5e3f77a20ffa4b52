using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Storage;

namespace Grassroots.Domain.Rollups;

/// <summary>
/// How facts are committed: a unit goes to the group committer, and the batch it rode in comes back with what it added to
/// the rollups. The first of the batch's writers to get it hands that over to <see cref="RollupBroadcast"/>, which puts it
/// into this silo's figures at once and sends it to the other silos with the next flush; the writer is answered as soon as
/// its batch has committed. Storage never calls up into the domain: it only returns.
/// </summary>
public sealed class FactCommitter(GroupCommitter committer, RollupBroadcast broadcast)
{
    /// <summary>Commits one unit; throws the domain error of a unit that failed.</summary>
    public async Task CommitAsync(WriteUnit unit)
    {
        // Translated here rather than by DomainErrors.Translated: every PUT waits here for its batch, and one state
        // machine kept on the heap for the wait is cheaper than two.
        CommittedBatch batch;
        try
        {
            batch = await committer.CommitAsync(unit);
        }
        catch (Exception error) when (DomainErrors.Translate(error) is var translated && !ReferenceEquals(translated, error))
        {
            throw translated;
        }
        await HandOverAsync(batch);
    }

    /// <summary>Commits many independent units as one batch; each unit's error translated, null where it was written.</summary>
    public async Task<IReadOnlyList<Exception?>> CommitAllAsync(IReadOnlyList<WriteUnit> units)
    {
        var outcome = await committer.CommitAllAsync(units).Translated();
        if (outcome.Batch is { } batch) await HandOverAsync(batch);
        return [.. outcome.Errors.Select(e => e is null ? null : DomainErrors.Translate(e))];
    }

    /// <summary>
    /// The first writer of the batch hands it over; the others wait for that, so a writer is answered only once this silo's
    /// figures hold its write.
    /// </summary>
    private Task HandOverAsync(CommittedBatch batch)
    {
        if (!batch.TryClaim()) return batch.WhenHandedOver;
        try
        {
            broadcast.HandOver(ChangesOf(batch));
        }
        finally
        {
            batch.HandedOver();
        }
        return Task.CompletedTask;
    }

    /// <summary>The batch's rollup increments as the domain's changes.</summary>
    public static CommittedChanges ChangesOf(CommittedBatch batch)
    {
        var days = new List<CountyDay>();
        var registered = new List<CountyCount>();
        var honorees = new List<HonoreeProvince>();
        foreach (var increment in batch.Increments)
        {
            var key = increment.Key;
            if (increment.Table == Tables.CountyDays)
                days.Add(new CountyDay(Shared(key[0]), Shared(key[1]), (DateOnly)key[2]!, Figures.FromColumns(increment.Deltas)));
            else if (increment.Table == Tables.CountyBranches)
                registered.Add(new CountyCount(Shared(key[0]), increment.Deltas[0]));
            else if (increment.Table == Tables.HonoreeRollups)
                honorees.Add(new HonoreeProvince(Shared(key[0]), Shared(key[1]), Shared(key[2]), TalkFigures.FromColumns(increment.Deltas)));
        }
        return new CommittedChanges(batch.Shard, batch.Previous, batch.Seq, batch.Gap, days, registered, honorees);
    }

    /// <summary>
    /// One instance per county code, campaign and honoree id: the batches of a flush go to the other silos in one message,
    /// where the serializer writes a string once and refers back to it after (a third fewer bytes per county-day). These
    /// are ids of things that exist — a unit is committed only after they were checked — so the pool stays small.
    /// </summary>
    private static string Shared(object? id) => Ids.GetOrAdd((string)id!, static s => s);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Ids = new(StringComparer.Ordinal);
}
