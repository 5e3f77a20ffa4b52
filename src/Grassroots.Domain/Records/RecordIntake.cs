using Grassroots.Domain.Branches;
using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Honorees;
using Grassroots.Domain.Model;
using Grassroots.Domain.Regions;
using Grassroots.Domain.Rollups;
using Grassroots.Domain.SignOff;
using Grassroots.Storage;

namespace Grassroots.Domain.Records;

/// <summary>
/// The one way a change of a record reaches the database, whoever makes it: checked against its branch, its campaign and
/// what it names (<see cref="RecordChecks"/>), let through the period locks, built as one unit (<see cref="RecordWrites"/>)
/// and committed through the group committer. A PUT of a new record comes here straight from its endpoint, with no grain:
/// the record's row is inserted if absent, so creating reads nothing and activates nothing, and only when the row is
/// there already does the record's grain decide (a replay, a correction). The record grain comes here for every change of
/// a stored record; an import comes with a chunk of new records, committed as one batch of their own.
/// </summary>
public sealed class RecordIntake(FactCommitter committer, CampaignDirectory campaigns, BranchDirectory branches, HonoreeDirectory honorees,
    RegionDirectory regions, PeriodLocks locks, TimeProvider clock)
{
    /// <summary>
    /// Creates the record if no record of the branch has this id, as a PUT's endpoint does: answers it as stored, or null
    /// when it was not created here — its row was there already, or its period is locked, and whether the PUT changes
    /// anything is for its grain to decide. A rule broken throws <see cref="FieldValidationException"/>.
    /// </summary>
    public Task<LoggedRecord?> TryCreateAsync(string branchId, string recordId, RecordData data, string actor) =>
        CreateOrNullAsync(branchId, recordId, data, actor, orNull: true);

    /// <summary>
    /// Creates the record, inserted if absent: <see cref="WriteConflictException"/> when its row was there already,
    /// <see cref="PeriodLockedException"/> when its period is signed off, <see cref="FieldValidationException"/> for a broken rule.
    /// </summary>
    public async Task<LoggedRecord> CreateAsync(string branchId, string recordId, RecordData data, string actor) =>
        (await CreateOrNullAsync(branchId, recordId, data, actor, orNull: false))!;

    // One method for both, so that a PUT's creation, which waits for its batch to commit, keeps one state machine on the
    // heap meanwhile rather than one for the try and one for the creation.
    private async Task<LoggedRecord?> CreateOrNullAsync(string branchId, string recordId, RecordData data, string actor, bool orNull)
    {
        try
        {
            var county = await branches.CountyOfAsync(branchId) ?? throw NoBranch(branchId);
            var kind = RecordKinds.Of(data);
            await CheckAsync(kind, data, (await campaigns.GetAsync(data.CampaignId))?.Value);
            var after = New(branchId, recordId, county, data, actor, clock.Now());
            await CommitAsync(kind, null, after, actor, "create");
            return after;
        }
        catch (Exception error) when (orNull && error is WriteConflictException or PeriodLockedException)
        {
            return null;
        }
    }

    /// <summary>Commits a change of a stored record (a correction, checked as a new record is, or a void).</summary>
    public async Task ChangeAsync(LoggedRecord before, LoggedRecord after, string actor, string action)
    {
        var kind = RecordKinds.Of(after.Data);
        if (!after.Voided) await CheckAsync(kind, after.Data, (await campaigns.GetAsync(after.Data.CampaignId))?.Value);
        await CommitAsync(kind, before, after, actor, action);
    }

    /// <summary>
    /// Checks a chunk of new records as <see cref="CreateAsync"/> checks one, looking up each branch, campaign and honoree
    /// once: per record, what it would be stored as, or the rule it breaks. Nothing is written (a dry run stops here).
    /// </summary>
    public async Task<IReadOnlyList<Prepared>> PrepareAsync(IReadOnlyList<NewRecord> records, string actor)
    {
        var counties = await branches.CountiesOfAsync(records.Select(r => r.BranchId));
        await honorees.MissingAsync([.. records.Select(r => r.Data).OfType<HonoreeTalk>().SelectMany(t => t.HonoreeIds).Distinct()]);
        var byId = new Dictionary<string, Campaign?>(StringComparer.Ordinal);
        var now = clock.Now();
        var prepared = new Prepared[records.Count];
        for (var i = 0; i < records.Count; i++)
        {
            var (branchId, recordId, data) = records[i];
            try
            {
                var county = counties.GetValueOrDefault(branchId) ?? throw NoBranch(branchId);
                if (!byId.TryGetValue(data.CampaignId, out var campaign))
                    byId[data.CampaignId] = campaign = (await campaigns.GetAsync(data.CampaignId))?.Value;
                await CheckAsync(RecordKinds.Of(data), data, campaign);
                prepared[i] = new Prepared(New(branchId, recordId, county, data, actor, now), null);
            }
            catch (FieldValidationException broken)
            {
                prepared[i] = new Prepared(null, broken);
            }
        }
        return prepared;
    }

    /// <summary>
    /// Commits records <see cref="PrepareAsync"/> passed, as one batch of their own, each inserted if absent. They pass the
    /// period locks together, as one write. Per record: null when created; the lock it met; a
    /// <see cref="WriteConflictException"/> when its row was there already; or the error that failed it alone.
    /// </summary>
    public async Task<IReadOnlyList<Exception?>> CommitNewAsync(IReadOnlyList<LoggedRecord> records, string actor)
    {
        var (admission, found) = await locks.AdmitEachAsync([.. records.Select(r => r.Placement!)]);
        using (admission)
        {
            var outcomes = new Exception?[records.Count];
            var open = new List<int>(records.Count);
            for (var i = 0; i < records.Count; i++)
            {
                if (found[i] is { } locked) outcomes[i] = locked.Refusal();
                else open.Add(i);
            }
            var errors = await committer.CommitAllAsync([.. open.Select(i => Unit(null, records[i], actor, "create"))]);
            for (var j = 0; j < open.Count; j++)
            {
                outcomes[open[j]] = errors[j];
                if (errors[j] is null) RecordsIngested.Add(RecordKinds.Of(records[open[j]].Data), "create");
            }
            return outcomes;
        }
    }

    /// <summary>The lock a record would meet where it counts, for a dry run (a real write meets it on admission).</summary>
    public async Task<PeriodLockedException?> FindLockAsync(Placement? placement) =>
        placement is not null && await locks.FindAsync(placement) is { } locked ? locked.Refusal() : null;

    private Task CheckAsync(RecordKind kind, RecordData data, Campaign? campaign) =>
        RecordChecks.CheckAsync(kind, data, campaign, clock.Today(), honorees);

    private async Task CommitAsync(RecordKind kind, LoggedRecord? before, LoggedRecord after, string actor, string action)
    {
        // Where the record counted and will count must not be signed off; the admission lasts until the commit returns,
        // so a submission racing this write either waits for it or refuses it (PeriodLocks).
        using (await locks.AdmitAsync([before?.Placement, after.Placement]))
            await committer.CommitAsync(Unit(before, after, actor, action));
        RecordsIngested.Add(kind, action);
    }

    private WriteUnit Unit(LoggedRecord? before, LoggedRecord after, string actor, string action) =>
        new(RecordWrites.Of(RecordKinds.Of(after.Data), before, after, actor, action, regions));

    private static LoggedRecord New(string branchId, string recordId, string county, RecordData data, string actor, DateTimeOffset now) =>
        new(branchId, recordId, county, data, false, null, 1, now, now, actor);

    private static FieldValidationException NoBranch(string branchId) => new("branchId", new Message(MessageKeys.NoBranch, branchId));
}

/// <summary>A record to create: its branch, its id within the branch, and what it says.</summary>
public readonly record struct NewRecord(string BranchId, string RecordId, RecordData Data);

/// <summary>A new record as it would be stored, or the rule it breaks.</summary>
public readonly record struct Prepared(LoggedRecord? Record, FieldValidationException? Broken);
