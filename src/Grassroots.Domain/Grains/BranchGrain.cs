using System.Data.Common;
using Grassroots.Domain.Caching;
using Grassroots.Domain.Branches;
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
/// A branch's profile, and the place where its records' changes are put in order: each change is turned into one unit
/// (record row, change log, rollup deltas, the branch's activity) and queued to the group committer in one turn, so the
/// branch_activity versions the units expect follow the order in which they are committed. Commits interleave with
/// each other and with reads; a failed commit leaves the ledger in doubt, so it is rebuilt from the facts once the
/// commits still in flight have settled. Placed on the silo that first calls it: the load balancer sends a branch's
/// requests to one silo, so its branch and record grains are usually local to them.
/// </summary>
[GrainType(Constants.GrainTypes.Branch), PreferLocalPlacement]
public sealed partial class BranchGrain(
    Database database, GroupCommitter committer, TimeProvider clock, RegionDirectory regions, RollupDeltas rollups, CampaignDirectory campaignDirectory)
    : ProfileGrain<BranchProfile>(database, committer, clock), IBranchGrain
{
    private BranchLedger _ledger = new();
    private bool _ledgerInDoubt = true;
    private Task? _rebuilding;
    private int _inFlight;
    private TaskCompletionSource? _settled;

    protected override Table Table => Tables.Branches;
    protected override string Entity => "branch";

    protected override object?[] Columns(BranchProfile b) => [b.Name, b.RegionCode, b.Sector, b.MemberCount, b.Kind];

    protected override BranchProfile Read(DbDataReader r) => new(r.GetString(1), r.GetString(2), r.Text(3), r.Int(4), r.Text(5));

    protected override void Check(BranchProfile value)
    {
        if (!regions.IsLeaf(value.RegionCode))
            throw new FieldValidationException("regionCode", $"'{value.RegionCode}' is not a county-level region code.");
    }

    /// <summary>A new branch counts as registered in its county and above; a move shifts that count.</summary>
    protected override IEnumerable<RowWrite> ExtraWrites(Versioned<BranchProfile>? before, Versioned<BranchProfile> after)
    {
        if (before?.Value.RegionCode == after.Value.RegionCode) return [];
        var writes = rollups.Registered(after.Value.RegionCode, +1);
        return before is null ? writes : writes.Concat(rollups.Registered(before.Value.RegionCode, -1));
    }

    public async Task<Totals> GetTotalsAsync(string? campaignId, DateOnly? from, DateOnly? to)
    {
        await EnsureLedgerAsync();
        var sum = _ledger.Sum(campaignId, from, to, to ?? Clock.Today());
        sum[Totals.RegisteredBranchesAt] = Current is null ? 0 : 1;
        return Totals.From(sum);
    }

    public async Task<RecordLookup> LookupRecordAsync(string kind, string recordId)
    {
        await EnsureLedgerAsync();
        return new RecordLookup(Current?.Value.RegionCode, _ledger.Has(RecordKinds.Named(kind), recordId));
    }

    public async Task CommitRecordChangeAsync(RecordChange change)
    {
        await EnsureLedgerAsync();
        // From here to the queueing of the unit nothing awaits: the unit's expectations and its place in the queue agree.
        var unit = new WriteUnit(Writes(change));
        var commit = Committer.CommitAsync(unit).Translated();
        _inFlight++;
        try
        {
            await commit;
            _ledger.Settle(RecordKinds.Of(change.After.Data), change.Before, change.After);
        }
        catch
        {
            _ledgerInDoubt = true;
            throw;
        }
        finally
        {
            if (--_inFlight == 0) _settled?.TrySetResult();
        }
    }

    /// <summary>The record's row and change-log entry, its rollup deltas, and the activity rows and deltas it causes.</summary>
    private List<RowWrite> Writes(RecordChange change)
    {
        var (before, after) = (change.Before, change.After);
        var kind = RecordKinds.Of(after.Data);
        var writes = new List<RowWrite>
        {
            new VersionedPut(kind.Table, [after.BranchId, after.RecordId], kind.Columns(after), before?.Version ?? 0),
            ChangeLog.Entry(after.UpdatedAt, change.Actor, kind.Name, $"{after.BranchId}/{after.RecordId}", change.Action, before, after),
        };
        if (before is { Voided: false })
            writes.AddRange(rollups.Region(before.RegionCode, before.Data.CampaignId, before.Data.Day, RollupDeltas.Negate(kind.Figures(before.Data))));
        if (!after.Voided)
            writes.AddRange(rollups.Region(after.RegionCode, after.Data.CampaignId, after.Data.Day, kind.Figures(after.Data)));
        writes.AddRange(kind.ExtraWrites(before, after, rollups));
        writes.AddRange(ActivityWrites(_ledger.Claim(before?.Placement, after.Placement)));
        return writes;
    }

    /// <summary>The branch_activity rows a change claimed, and the active-branch deltas where its earliest record moved.</summary>
    private IEnumerable<RowWrite> ActivityWrites(IEnumerable<ActivityShift> shifts)
    {
        foreach (var shift in shifts)
        {
            // Always written, so a change another activation made to this branch's records shows up as a version conflict.
            yield return new VersionedPut(Tables.BranchActivity, [Key, shift.CampaignId], [shift.Now?.Day, shift.Now?.RegionCode], shift.ExpectedVersion);
            if (shift.Was == shift.Now) continue;
            if (shift.Was is { } was) foreach (var write in rollups.Active(was, -1)) yield return write;
            if (shift.Now is { } now) foreach (var write in rollups.Active(now, +1)) yield return write;
        }
    }

    private static readonly string LedgerSql = string.Join(" UNION ALL ", RecordKinds.All
        .Select((kind, i) => $"SELECT {i} AS part, {kind.IdColumn}, campaign_id, {kind.DateColumn}, region_code, voided, " +
            $"{string.Join(", ", kind.FigureColumns)} FROM {kind.Table.Name} WHERE branch_id = $1")
        .Append($"SELECT -1, campaign_id, NULL, NULL, NULL, NULL, version{string.Concat(Enumerable.Repeat(", 0", RecordKinds.All[0].FigureColumns.Count - 1))} " +
            "FROM branch_activity WHERE branch_id = $1"));

    private async Task EnsureLedgerAsync()
    {
        while (_ledgerInDoubt)
        {
            // Cleared here rather than inside the rebuild: a rebuild that completes synchronously would clear it before
            // it is stored, leaving a finished task that every later doubt awaits again (a busy loop, or its old error).
            var rebuilding = _rebuilding ??= RebuildLedgerAsync();
            try
            {
                await rebuilding;
            }
            finally
            {
                if (ReferenceEquals(_rebuilding, rebuilding)) _rebuilding = null;
            }
        }
    }

    /// <summary>
    /// Once no commit is in flight, reads the branch's activity versions and its records of every kind in one statement:
    /// at the evening peak nearly every write meets a branch that is not active yet, so this is one round trip a branch.
    /// A row of part -1 is an activity row (its version where a record has its first figure); part i is a record of kind i.
    /// The versions and the records are read at the same moment, so a change committed meanwhile makes a version stale
    /// and the next commit conflicts.
    /// </summary>
    private async Task RebuildLedgerAsync()
    {
        while (_inFlight > 0) await (_settled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        var versions = new List<(string, long)>();
        var records = new List<BranchLedger.StoredRecord>();
        await Database.QueryAsync(LedgerSql, [Key], r =>
        {
            var part = (int)r.Long(0);
            if (part < 0) versions.Add((r.GetString(1), r.Long(6)));
            else
            {
                var kind = RecordKinds.All[part];
                records.Add(new BranchLedger.StoredRecord(kind, r.GetString(1), r.GetString(2), r.Date(3), r.GetString(4), r.Bool(5),
                    [.. Enumerable.Range(6, kind.FigureColumns.Count).Select(r.Long), 0, 0]));
            }
            return part;
        }).Translated();
        _ledger = BranchLedger.Rebuild(versions, records);
        _ledgerInDoubt = false;
    }
}
