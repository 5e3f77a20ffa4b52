using System.Data.Common;
using Grassroots.Domain.Branches;
using Grassroots.Domain.Caching;
using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Records;
using Grassroots.Domain.Rollups;
using Grassroots.Storage;
using Orleans.Placement;

namespace Grassroots.Domain.Grains;

/// <summary>
/// A branch's profile: registered against a county, which it may move to another (its past records stay where they
/// were logged). Its records are their own grains' and never pass through here. Placed on the silo that first calls it.
/// </summary>
[GrainType(Constants.GrainTypes.Branch), PreferLocalPlacement]
public sealed class BranchGrain(Database database, FactCommitter committer, TimeProvider clock, BranchIntake intake, SiloCaches caches)
    : ProfileGrain<BranchProfile>(database, committer, clock), IBranchGrain
{
    protected override Table Table => Tables.Branches;
    protected override string Entity => "branch";

    protected override object?[] Columns(BranchProfile b) => BranchRows.Columns(b);

    protected override BranchProfile Read(DbDataReader r) => BranchRows.Read(r);

    protected override void Check(BranchProfile value) => intake.Check(value);

    /// <summary>As an import registers a branch: its row, its county's count (moved with it) and the change log, from its intake.</summary>
    protected override List<RowWrite> Writes(Versioned<BranchProfile>? before, Versioned<BranchProfile> after, string actor) =>
        intake.Writes(Key, before, after, actor);

    /// <summary>Every silo's branch directory forgets a moved branch before the move is acknowledged.</summary>
    protected override Task OnCommittedAsync(Versioned<BranchProfile>? before, Versioned<BranchProfile> after) =>
        before is not null && before.Value.RegionCode != after.Value.RegionCode
            ? caches.ForgetEverywhereAsync(BranchDirectory.CacheKind, Key)
            : Task.CompletedTask;

    private static readonly string RecordsSql = string.Join(" UNION ALL ", RecordKinds.All.Select(kind =>
        $"SELECT campaign_id, {kind.DateColumn} AS day, {string.Join(", ", kind.FigureColumns.Select((f, i) => $"{f} AS f{i}"))} " +
        $"FROM {kind.Table.Name} WHERE branch_id = $1 AND NOT voided"));

    /// <summary>The branch's own figures, counted from its records (a branch has few; this is not on the write path).</summary>
    public async Task<Totals> GetTotalsAsync(string? campaignId, DateOnly? from, DateOnly? to)
    {
        if (await GetAsync() is null) return Totals.Zero;
        var figureCount = RecordKinds.All[0].FigureColumns.Count;
        var sums = string.Join(", ", Enumerable.Range(0, figureCount).Select(i => $"SUM(f{i})"));
        var rows = await Database.QueryAsync(
            $"SELECT campaign_id, day, {sums} FROM ({RecordsSql}) r GROUP BY campaign_id, day", [Key],
            r => (Campaign: r.GetString(0), Day: r.Date(1),
                Figures: Figures.FromColumns([.. Enumerable.Range(2, figureCount).Select(r.Long), 0]))).Translated();
        var asOf = to ?? Clock.Today();
        var sum = Figures.Zero;
        var active = false;
        foreach (var (campaign, day, figures) in rows)
        {
            if (campaignId is not null && campaign != campaignId) continue;
            active |= day <= asOf;
            if ((from is null || day >= from) && (to is null || day <= to)) sum += figures;
        }
        return (sum with { ActiveBranches = active ? 1 : 0 }).WithRegistered(1);
    }
}
