using Grassroots.Domain.Caching;
using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Records;
using Grassroots.Storage;
using Orleans.Placement;

namespace Grassroots.Domain.Grains;

/// <summary>
/// A logged record. It validates a change against its campaign and references, decides what the record becomes
/// (keeping the county it was first logged under, wherever the branch moves later) and has its branch commit the
/// change. A new record costs no database read: the branch knows which of its records exist. After a write the grain
/// goes away as soon as it is idle; one activated to be read stays two minutes (<see cref="CollectionAgeLimitAttribute"/>).
/// </summary>
public abstract class RecordGrain<T>(RecordKind kind, Database database, CampaignDirectory campaigns, TimeProvider clock)
    : Grain, IRecordGrain<T> where T : RecordData
{
    private LoggedRecord? _record;
    private bool _loaded;
    private bool _readDatabase;
    private RecordLookup? _lookup; // from the load this very call made, so a new record asks its branch once

    private string BranchId => this.GetPrimaryKeyString()[..this.GetPrimaryKeyString().IndexOf('/', StringComparison.Ordinal)];
    private string RecordId => this.GetPrimaryKeyString()[(this.GetPrimaryKeyString().IndexOf('/', StringComparison.Ordinal) + 1)..];
    private IBranchGrain Branch => GrainFactory.GetGrain<IBranchGrain>(BranchId);

    public async Task<LoggedRecord?> GetAsync()
    {
        if (!_loaded) await LoadAsync();
        return _record;
    }

    public Task<RecordSaved> PutAsync(T data, string actor) => Contention.RetryAsync(() => TryPutAsync(data, actor), MarkStale);

    public async Task<LoggedRecord> VoidAsync(string reason, string actor) =>
        (await Contention.RetryAsync(() => TryVoidAsync(reason, actor), MarkStale)).Record;

    private async Task<RecordSaved> TryPutAsync(T data, string actor)
    {
        _lookup = null;
        if (!_loaded) await LoadAsync();
        var before = _record;
        string region;
        if (before is null)
        {
            var lookup = _lookup ?? await Branch.LookupRecordAsync(kind.Name, RecordId);
            if (lookup.Exists) throw new WriteConflictException($"The {kind.Name} '{RecordId}' exists but was not loaded.");
            region = lookup.RegionCode ?? throw new FieldValidationException("branchId", $"No branch has the id '{BranchId}'.");
        }
        else
        {
            if (before.Voided) throw new StateConflictException($"The {kind.Name} '{RecordId}' was voided and cannot be changed.");
            if (before.Data.Equals(data)) return new RecordSaved(PutResult.Unchanged, before);
            region = before.RegionCode;
        }

        var campaign = await campaigns.GetAsync(data.CampaignId);
        await RecordChecks.CheckAsync(kind, data, campaign?.Value, clock.Today(), GrainFactory);

        var now = clock.Now();
        var after = new LoggedRecord(BranchId, RecordId, region, data, false, null, (before?.Version ?? 0) + 1, before?.CreatedAt ?? now, now);
        await CommitAsync(before, after, actor, before is null ? "create" : "update");
        return new RecordSaved(before is null ? PutResult.Created : PutResult.Updated, after);
    }

    private async Task<RecordSaved> TryVoidAsync(string reason, string actor)
    {
        if (!_loaded) await LoadAsync();
        var before = _record ?? throw new NotFoundException($"No {kind.Name} '{RecordId}' in branch '{BranchId}'.");
        if (before.Voided) return new RecordSaved(PutResult.Unchanged, before);
        var after = before with { Voided = true, VoidReason = reason, Version = before.Version + 1, UpdatedAt = clock.Now() };
        await CommitAsync(before, after, actor, "void");
        return new RecordSaved(PutResult.Updated, after);
    }

    private async Task CommitAsync(LoggedRecord? before, LoggedRecord after, string actor, string action)
    {
        await Branch.CommitRecordChangeAsync(new RecordChange(before, after, actor, action));
        _record = after;
        _loaded = true;
        RecordsIngested.Add(kind, action);
        // Most records are written once. The row is in the database and the branch knows it exists, so nothing here is
        // worth memory: at thousands of writes a second, activations kept for the idle timeout would fill it.
        DeactivateOnIdle();
    }

    /// <summary>After a conflict the branch's picture may be behind too: read the row itself.</summary>
    private void MarkStale()
    {
        _loaded = false;
        _readDatabase = true;
    }

    private async Task LoadAsync()
    {
        if (!_readDatabase && await Branch.LookupRecordAsync(kind.Name, RecordId) is { Exists: false } lookup)
        {
            _record = null;
            _lookup = lookup;
        }
        else
        {
            var table = kind.Table;
            var rows = await database.QueryAsync(
                $"SELECT {table.ColumnList}, version FROM {table.Name} WHERE {table.Key[0]} = $1 AND {table.Key[1]} = $2",
                [BranchId, RecordId], kind.Read).Translated();
            _record = rows.Count == 0 ? null : await kind.CompleteAsync(rows[0], database).Translated();
        }
        // "No such record" is never kept: the branch may create it in bulk (an import) while this grain stays active.
        _loaded = _record is not null;
        _readDatabase = false;
    }
}

[GrainType(Constants.GrainTypes.StudySession), PreferLocalPlacement, CollectionAgeLimit(Minutes = 2)]
public sealed class StudySessionGrain(Database database, CampaignDirectory campaigns, TimeProvider clock)
    : RecordGrain<StudySession>(RecordKinds.StudySessions, database, campaigns, clock), IStudySessionGrain;

[GrainType(Constants.GrainTypes.HonoreeTalk), PreferLocalPlacement, CollectionAgeLimit(Minutes = 2)]
public sealed class HonoreeTalkGrain(Database database, CampaignDirectory campaigns, TimeProvider clock)
    : RecordGrain<HonoreeTalk>(RecordKinds.HonoreeTalks, database, campaigns, clock), IHonoreeTalkGrain;

[GrainType(Constants.GrainTypes.PublicityItem), PreferLocalPlacement, CollectionAgeLimit(Minutes = 2)]
public sealed class PublicityItemGrain(Database database, CampaignDirectory campaigns, TimeProvider clock)
    : RecordGrain<PublicityItem>(RecordKinds.Publicity, database, campaigns, clock), IPublicityItemGrain;
