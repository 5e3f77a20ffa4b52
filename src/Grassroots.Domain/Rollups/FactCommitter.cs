using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Storage;

namespace Grassroots.Domain.Rollups;

/// <summary>
/// How grains commit facts: a unit goes to the group committer, and the batch it rode in comes back with what it added to
/// the rollups. The first of the batch's writers to get it passes that on to this silo's aggregator grain; the writer
/// is answered as soon as its batch has committed, not when the rollup grains have the figures (they do within
/// <see cref="RollupAggregatorGrain.FlushInterval"/> or so). Storage never calls up into the domain: it only returns.
/// </summary>
public sealed class FactCommitter(GroupCommitter committer, IGrainFactory grains)
{
    /// <summary>Commits one unit; throws the domain error of a unit that failed.</summary>
    public async Task CommitAsync(WriteUnit unit)
    {
        var batch = await committer.CommitAsync(unit).Translated();
        await ForwardAsync(batch);
    }

    /// <summary>Commits many independent units as one batch; each unit's error translated, null where it was written.</summary>
    public async Task<IReadOnlyList<Exception?>> CommitAllAsync(IReadOnlyList<WriteUnit> units)
    {
        var outcome = await committer.CommitAllAsync(units).Translated();
        if (outcome.Batch is { } batch) await ForwardAsync(batch);
        return [.. outcome.Errors.Select(e => e is null ? null : DomainErrors.Translate(e))];
    }

    private Task ForwardAsync(CommittedBatch batch) =>
        batch.TryClaim() ? grains.GetGrain<IRollupAggregatorGrain>(0).AddAsync(ChangesOf(batch)) : Task.CompletedTask;

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
                days.Add(new CountyDay((string)key[0]!, (string)key[1]!, (DateOnly)key[2]!, Figures.FromColumns(increment.Deltas)));
            else if (increment.Table == Tables.CountyBranches)
                registered.Add(new CountyCount((string)key[0]!, increment.Deltas[0]));
            else if (increment.Table == Tables.HonoreeRollups)
                honorees.Add(new HonoreeProvince((string)key[0]!, (string)key[1]!, (string)key[2]!, TalkFigures.FromColumns(increment.Deltas)));
        }
        return new CommittedChanges(batch.Shard, batch.Previous, batch.Seq, batch.Gap, days, registered, honorees);
    }
}
