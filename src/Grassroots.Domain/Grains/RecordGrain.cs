using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Records;
using Grassroots.Domain.Rollups;
using Grassroots.Runtime;
using Grassroots.Storage;

namespace Grassroots.Domain.Grains;

/// <summary>
/// A logged record. A change is committed through the branch's grain as one unit: the record row (version
/// checked), the change-log entry, the region rollup deltas (new figures minus old) and the branch's
/// activity. The record keeps the county it was first logged under, wherever the branch moves later.
/// </summary>
public abstract class RecordGrain<T>(RecordKind<T> kind, Database database, RollupDeltas rollups, TimeProvider clock)
    : Grain, IRecordGrain<T> where T : class
{
    private LoggedRecord<T>? _record;
    private bool _stale = true;

    private string BranchId => GrainKey[..GrainKey.IndexOf('/', StringComparison.Ordinal)];
    private string RecordId => GrainKey[(GrainKey.IndexOf('/', StringComparison.Ordinal) + 1)..];

    public override Task OnActivateAsync(CancellationToken cancellationToken) => LoadAsync();

    public async Task<LoggedRecord<T>?> GetAsync()
    {
        if (_stale) await LoadAsync().ConfigureAwait(false);
        return _record;
    }

    public Task<RecordSaved<T>> PutAsync(T data, string actor) => WithRetryAsync(() => TryPutAsync(data, actor));

    public async Task<LoggedRecord<T>> VoidAsync(string reason, string actor) =>
        (await WithRetryAsync(() => TryVoidAsync(reason, actor)).ConfigureAwait(false)).Record;

    private async Task<RecordSaved<T>> TryPutAsync(T data, string actor)
    {
        var before = _record;
        if (before is { Voided: true })
            throw new StateConflictException($"The {kind.Entity} '{RecordId}' was voided and cannot be changed.");
        if (before is not null && before.Data.Equals(data)) return new RecordSaved<T>(PutResult.Unchanged, before);

        var branch = await GrainFactory.Get<IBranchGrain>(BranchId).GetAsync().ConfigureAwait(false)
            ?? throw new FieldValidationException("branchId", $"No branch has the id '{BranchId}'.");
        var campaign = await GrainFactory.Get<ICampaignGrain>(kind.CampaignOf(data)).GetAsync().ConfigureAwait(false)
            ?? throw new FieldValidationException("campaignId", $"No campaign has the id '{kind.CampaignOf(data)}'.");
        var day = kind.DayOf(data);
        if (!campaign.Value.Covers(day))
            throw new FieldValidationException(kind.DateField,
                $"{day:yyyy-MM-dd} is outside the campaign ({campaign.Value.StartsOn:yyyy-MM-dd} to {campaign.Value.EndsOn?.ToString("yyyy-MM-dd") ?? "open"}).");
        if (day > clock.Today())
            throw new FieldValidationException(kind.DateField, $"{day:yyyy-MM-dd} is in the future.");
        await kind.CheckReferencesAsync(data, GrainFactory).ConfigureAwait(false);

        var now = clock.Now();
        var after = new LoggedRecord<T>(BranchId, RecordId, before?.RegionCode ?? branch.Value.RegionCode, data, false, null,
            (before?.Version ?? 0) + 1, before?.CreatedAt ?? now, now);
        await CommitAsync(before, after, actor, before is null ? "create" : "update").ConfigureAwait(false);
        return new RecordSaved<T>(before is null ? PutResult.Created : PutResult.Updated, after);
    }

    private async Task<RecordSaved<T>> TryVoidAsync(string reason, string actor)
    {
        var before = _record ?? throw new NotFoundException($"No {kind.Entity} '{RecordId}' in branch '{BranchId}'.");
        if (before.Voided) return new RecordSaved<T>(PutResult.Unchanged, before);
        var after = before with { Voided = true, VoidReason = reason, Version = before.Version + 1, UpdatedAt = clock.Now() };
        await CommitAsync(before, after, actor, "void").ConfigureAwait(false);
        return new RecordSaved<T>(PutResult.Updated, after);
    }

    private async Task CommitAsync(LoggedRecord<T>? before, LoggedRecord<T> after, string actor, string action)
    {
        var writes = new List<RowWrite>
        {
            new VersionedPut(kind.Table, [BranchId, RecordId], kind.Columns(after), before?.Version ?? 0),
            ChangeLog.Entry(after.UpdatedAt, actor, kind.Entity, GrainKey, action, before, after),
        };
        if (before is { Voided: false })
            writes.AddRange(rollups.Region(before.RegionCode, kind.CampaignOf(before.Data), kind.DayOf(before.Data),
                RollupDeltas.Negate(kind.Figures(before.Data))));
        if (!after.Voided)
            writes.AddRange(rollups.Region(after.RegionCode, kind.CampaignOf(after.Data), kind.DayOf(after.Data), kind.Figures(after.Data)));
        writes.AddRange(kind.ExtraWrites(before, after, rollups));

        await GrainFactory.Get<IBranchGrain>(BranchId)
            .CommitRecordChangeAsync(new RecordChange(PlacementOf(before), PlacementOf(after), writes)).ConfigureAwait(false);
        _record = after;
    }

    private Placement? PlacementOf(LoggedRecord<T>? record) =>
        record is null or { Voided: true } ? null : new Placement(kind.CampaignOf(record.Data), kind.DayOf(record.Data), record.RegionCode);

    /// <summary>A conflict means another process changed the row: reload and decide again.</summary>
    private Task<RecordSaved<T>> WithRetryAsync(Func<Task<RecordSaved<T>>> attempt) => Contention.RetryAsync(async () =>
    {
        if (_stale) await LoadAsync().ConfigureAwait(false);
        return await attempt().ConfigureAwait(false);
    }, () => _stale = true);

    private async Task LoadAsync()
    {
        var table = kind.Table;
        var rows = await database.QueryAsync(
            $"SELECT {table.ColumnList}, version FROM {table.Name} WHERE {table.Key[0]} = $1 AND {table.Key[1]} = $2",
            [BranchId, RecordId], kind.Read).ConfigureAwait(false);
        _record = await CompleteAsync(rows.FirstOrDefault()).ConfigureAwait(false);
        _stale = false;
    }

    /// <summary>Lets a kind add what its row does not hold (talk honorees).</summary>
    protected virtual Task<LoggedRecord<T>?> CompleteAsync(LoggedRecord<T>? record) => Task.FromResult(record);

    protected Database Database => database;
}

public sealed class StudySessionGrain(Database database, RollupDeltas rollups, TimeProvider clock)
    : RecordGrain<StudySession>(StudySessionKind.Instance, database, rollups, clock), IStudySessionGrain;

public sealed class PublicityItemGrain(Database database, RollupDeltas rollups, TimeProvider clock)
    : RecordGrain<PublicityItem>(PublicityItemKind.Instance, database, rollups, clock), IPublicityItemGrain;

public sealed class HonoreeTalkGrain(Database database, RollupDeltas rollups, TimeProvider clock)
    : RecordGrain<HonoreeTalk>(HonoreeTalkKind.Instance, database, rollups, clock), IHonoreeTalkGrain
{
    protected override async Task<LoggedRecord<HonoreeTalk>?> CompleteAsync(LoggedRecord<HonoreeTalk>? record)
    {
        if (record is null) return null;
        var ids = await Database.QueryAsync("SELECT honoree_id FROM talk_honorees WHERE branch_id = $1 AND talk_id = $2 ORDER BY honoree_id",
            [record.BranchId, record.RecordId], r => r.GetString(0)).ConfigureAwait(false);
        return record with { Data = record.Data with { HonoreeIds = [.. ids.Order(StringComparer.Ordinal)] } };
    }
}
