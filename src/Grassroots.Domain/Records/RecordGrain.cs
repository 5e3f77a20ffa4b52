using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Orleans.Placement;

namespace Grassroots.Domain.Records;

/// <summary>
/// A stored record, and the owner of its changes (docs/architecture.md, "The path of a write"): it decides what a PUT or a void makes of the record as
/// stored — corrected, unchanged, voided — and hands the change to the <see cref="RecordIntake"/> in the same turn. A new
/// record never comes here: its PUT is written by the intake straight from the endpoint, inserted if absent, and only when
/// the row was there already (a replay, a correction) does the endpoint call this grain. So a grain is activated for a
/// record that changes, not for each record logged. A record keeps the county it was first logged under, wherever its
/// branch moves later. After a write the grain goes away as soon as it is idle: the row holds everything.
/// </summary>
public abstract class RecordGrain<T>(RecordKind kind, RecordStore records, RecordIntake intake, TimeProvider clock)
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
        if ((_record ??= await ReadAsync()) is not { } before)
        {
            // Not there (an import's row that names a record twice, a PUT into a locked period): created, or refused.
            var created = await intake.CreateAsync(BranchId, RecordId, data, actor);
            Written(created);
            return new RecordSaved(PutResult.Created, created);
        }
        if (before.Voided) throw new StateConflictException(new Message(MessageKeys.RecordVoided, kind.Name, RecordId));
        if (before.Data.Equals(data)) return new RecordSaved(PutResult.Unchanged, before);
        var after = before with { Data = data, Version = before.Version + 1, UpdatedAt = clock.Now() };
        await intake.ChangeAsync(before, after, actor, "update");
        Written(after);
        return new RecordSaved(PutResult.Updated, after);
    }

    private async Task<RecordSaved> TryVoidAsync(string reason, string actor)
    {
        var before = _record ??= await ReadAsync() ?? throw new NotFoundException(new Message(MessageKeys.NoRecord, kind.Name, RecordId, BranchId));
        if (before.Voided) return new RecordSaved(PutResult.Unchanged, before);
        var after = before with { Voided = true, VoidReason = reason, Version = before.Version + 1, UpdatedAt = clock.Now() };
        await intake.ChangeAsync(before, after, actor, "void");
        Written(after);
        return new RecordSaved(PutResult.Updated, after);
    }

    private void Written(LoggedRecord after)
    {
        _record = after;
        // Most records change once if ever. The row is in the database, so nothing here is worth memory.
        DeactivateOnIdle();
    }

    private Task<LoggedRecord?> ReadAsync() => records.ReadAsync(kind, BranchId, RecordId);
}

[GrainType(Constants.GrainTypes.StudySession), PreferLocalPlacement, CollectionAgeLimit(Minutes = 2)]
public sealed class StudySessionGrain(RecordStore records, RecordIntake intake, TimeProvider clock)
    : RecordGrain<StudySession>(RecordKinds.StudySessions, records, intake, clock), IStudySessionGrain;

[GrainType(Constants.GrainTypes.HonoreeTalk), PreferLocalPlacement, CollectionAgeLimit(Minutes = 2)]
public sealed class HonoreeTalkGrain(RecordStore records, RecordIntake intake, TimeProvider clock)
    : RecordGrain<HonoreeTalk>(RecordKinds.HonoreeTalks, records, intake, clock), IHonoreeTalkGrain;

[GrainType(Constants.GrainTypes.PublicityItem), PreferLocalPlacement, CollectionAgeLimit(Minutes = 2)]
public sealed class PublicityItemGrain(RecordStore records, RecordIntake intake, TimeProvider clock)
    : RecordGrain<PublicityItem>(RecordKinds.Publicity, records, intake, clock), IPublicityItemGrain;

[GrainType(Constants.GrainTypes.Competition), PreferLocalPlacement, CollectionAgeLimit(Minutes = 2)]
public sealed class CompetitionGrain(RecordStore records, RecordIntake intake, TimeProvider clock)
    : RecordGrain<Competition>(RecordKinds.Competitions, records, intake, clock), ICompetitionGrain;
