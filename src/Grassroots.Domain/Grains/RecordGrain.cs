using Grassroots.Domain.Caching;
using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Records;
using Grassroots.Domain.Regions;
using Grassroots.Domain.Rollups;
using Grassroots.Storage;
using Orleans.Placement;

namespace Grassroots.Domain.Grains;

/// <summary>
/// A logged record, and the one owner of its writes (DESIGN.md §1): it validates a change against its campaign and
/// references, decides what the record becomes — created, corrected, unchanged or voided — and hands the whole change to
/// the group committer in the same turn: its row, a change-log entry for a correction or void, its county's figures, the
/// branch-activity change and the honorees' figures. Creating reads nothing: the branch's county comes from this silo's
/// <see cref="BranchDirectory"/>, and the row is inserted if absent. Only when it was there already (an idempotent replay,
/// a correction reaching a fresh activation, a record imported in bulk) is it read, and the PUT decided again. A record
/// keeps the county it was first logged under, wherever its branch moves later. After a write the grain goes away as
/// soon as it is idle: most records are written once, and the row holds everything.
/// </summary>
public abstract class RecordGrain<T>(RecordKind kind, Database database, FactCommitter committer, CampaignDirectory campaigns,
    BranchDirectory branches, HonoreeDirectory honorees, RegionDirectory regions, PeriodLocks locks, TimeProvider clock)
    : Grain, IRecordGrain<T> where T : RecordData
{
    private LoggedRecord? _record; // as stored; null when not known — "no such record" is never kept

    private string BranchId => this.GetPrimaryKeyString()[..this.GetPrimaryKeyString().IndexOf('/', StringComparison.Ordinal)];
    private string RecordId => this.GetPrimaryKeyString()[(this.GetPrimaryKeyString().IndexOf('/', StringComparison.Ordinal) + 1)..];

    public async Task<LoggedRecord?> GetAsync() => _record ??= await ReadAsync();

    public Task<RecordSaved> PutAsync(T data, string actor) => Contention.RetryAsync(ServiceProvider, () => TryPutAsync(data, actor), () => _record = null);

    public async Task<LoggedRecord> VoidAsync(string reason, string actor) =>
        (await Contention.RetryAsync(ServiceProvider, () => TryVoidAsync(reason, actor), () => _record = null)).Record;

    private async Task<RecordSaved> TryPutAsync(T data, string actor)
    {
        if (_record is null)
        {
            try
            {
                return await CreateAsync(data, actor);
            }
            catch (WriteConflictException conflict)
            {
                // The row was there: read it, and decide as a correction (or no change).
                _record = await ReadAsync() ?? throw new WriteConflictException(conflict.Message);
            }
        }
        var before = _record;
        if (before.Voided) throw new StateConflictException($"The {kind.Name} '{RecordId}' was voided and cannot be changed.");
        if (before.Data.Equals(data)) return new RecordSaved(PutResult.Unchanged, before);
        await CheckAsync(data);
        var after = before with { Data = data, Version = before.Version + 1, UpdatedAt = clock.Now() };
        await CommitAsync(before, after, actor, "update");
        return new RecordSaved(PutResult.Updated, after);
    }

    private async Task<RecordSaved> CreateAsync(T data, string actor)
    {
        var county = await branches.CountyOfAsync(BranchId)
            ?? throw new FieldValidationException("branchId", $"No branch has the id '{BranchId}'.");
        await CheckAsync(data);
        var now = clock.Now();
        var after = new LoggedRecord(BranchId, RecordId, county, data, false, null, 1, now, now, actor);
        await CommitAsync(null, after, actor, "create");
        return new RecordSaved(PutResult.Created, after);
    }

    private async Task<RecordSaved> TryVoidAsync(string reason, string actor)
    {
        var before = _record ??= await ReadAsync() ?? throw new NotFoundException($"No {kind.Name} '{RecordId}' in branch '{BranchId}'.");
        if (before.Voided) return new RecordSaved(PutResult.Unchanged, before);
        var after = before with { Voided = true, VoidReason = reason, Version = before.Version + 1, UpdatedAt = clock.Now() };
        await CommitAsync(before, after, actor, "void");
        return new RecordSaved(PutResult.Updated, after);
    }

    private async Task CheckAsync(T data) =>
        await RecordChecks.CheckAsync(kind, data, (await campaigns.GetAsync(data.CampaignId))?.Value, clock.Today(), honorees);

    private async Task CommitAsync(LoggedRecord? before, LoggedRecord after, string actor, string action)
    {
        // Where the record counted and will count must not be signed off; the admission lasts until the commit returns,
        // so a submission racing this write either waits for it or refuses it (PeriodLocks).
        using (await locks.AdmitAsync([before?.Placement, after.Placement]))
            await committer.CommitAsync(new WriteUnit(RecordWrites.Of(kind, before, after, actor, action, regions)));
        _record = after;
        RecordsIngested.Add(kind, action);
        // Most records are written once. The row is in the database, so nothing here is worth memory: at thousands of
        // writes a second, activations kept for the idle timeout would fill it.
        DeactivateOnIdle();
    }

    private async Task<LoggedRecord?> ReadAsync()
    {
        var table = kind.Table;
        var rows = await database.QueryAsync(
            $"SELECT {table.ColumnList}, version FROM {table.Name} WHERE {table.Key[0]} = $1 AND {table.Key[1]} = $2",
            [BranchId, RecordId], kind.Read).Translated();
        return rows.Count == 0 ? null : await kind.CompleteAsync(rows[0], database).Translated();
    }
}

[GrainType(Constants.GrainTypes.StudySession), PreferLocalPlacement, CollectionAgeLimit(Minutes = 2)]
public sealed class StudySessionGrain(Database database, FactCommitter committer, CampaignDirectory campaigns, BranchDirectory branches,
    HonoreeDirectory honorees, RegionDirectory regions, PeriodLocks locks, TimeProvider clock)
    : RecordGrain<StudySession>(RecordKinds.StudySessions, database, committer, campaigns, branches, honorees, regions, locks, clock), IStudySessionGrain;

[GrainType(Constants.GrainTypes.HonoreeTalk), PreferLocalPlacement, CollectionAgeLimit(Minutes = 2)]
public sealed class HonoreeTalkGrain(Database database, FactCommitter committer, CampaignDirectory campaigns, BranchDirectory branches,
    HonoreeDirectory honorees, RegionDirectory regions, PeriodLocks locks, TimeProvider clock)
    : RecordGrain<HonoreeTalk>(RecordKinds.HonoreeTalks, database, committer, campaigns, branches, honorees, regions, locks, clock), IHonoreeTalkGrain;

[GrainType(Constants.GrainTypes.PublicityItem), PreferLocalPlacement, CollectionAgeLimit(Minutes = 2)]
public sealed class PublicityItemGrain(Database database, FactCommitter committer, CampaignDirectory campaigns, BranchDirectory branches,
    HonoreeDirectory honorees, RegionDirectory regions, PeriodLocks locks, TimeProvider clock)
    : RecordGrain<PublicityItem>(RecordKinds.Publicity, database, committer, campaigns, branches, honorees, regions, locks, clock), IPublicityItemGrain;
