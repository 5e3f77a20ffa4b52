using Grassroots.Domain.Caching;
using Grassroots.Domain.Model;
using Grassroots.Domain.Profiles;
using Grassroots.Domain.Rollups;
using Grassroots.Storage;
using Orleans.Placement;

namespace Grassroots.Domain.Branches;

/// <summary>
/// A branch's profile: registered against a county, which it may move to another (its past records stay where they
/// were logged). Its records are their own grains' and never pass through here. Placed on the silo that first calls it.
/// </summary>
[GrainType(Constants.GrainTypes.Branch), PreferLocalPlacement]
public sealed class BranchGrain(BranchStore store, IBranchFigures records, FactCommitter committer, TimeProvider clock, BranchIntake intake,
    SiloCaches caches) : ProfileGrain<BranchProfile>(store, committer, clock), IBranchGrain
{
    protected override string Entity => "branch";

    protected override void Check(BranchProfile value) => intake.Check(value);

    /// <summary>As an import registers a branch: its row, its county's count (moved with it) and the change log, from its intake.</summary>
    protected override List<RowWrite> Writes(Versioned<BranchProfile>? before, Versioned<BranchProfile> after, string actor) =>
        intake.Writes(Key, before, after, actor);

    /// <summary>Every silo's branch directory forgets a moved branch before the move is acknowledged.</summary>
    protected override Task OnCommittedAsync(Versioned<BranchProfile>? before, Versioned<BranchProfile> after) =>
        before is not null && before.Value.RegionCode != after.Value.RegionCode
            ? caches.ForgetEverywhereAsync(BranchDirectory.CacheKind, Key)
            : Task.CompletedTask;

    /// <summary>The branch's own figures, counted from its records.</summary>
    public async Task<Totals> GetTotalsAsync(string? campaignId, DateOnly? from, DateOnly? to)
    {
        if (await GetAsync() is null) return Totals.Zero;
        var rows = await records.BranchFiguresAsync(Key);
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
