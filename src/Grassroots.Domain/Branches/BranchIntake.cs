using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Regions;
using Grassroots.Domain.Rollups;
using Grassroots.Storage;

namespace Grassroots.Domain.Branches;

/// <summary>
/// The one way a branch's registration or change reaches the database, whoever makes it: checked (<see cref="Check"/>),
/// built as one unit (<see cref="Writes"/>) and committed through the group committer. The branch grain comes here for
/// every PUT of its branch; an import comes with a chunk of new branches, registered as one batch of their own
/// (<see cref="RegisterNewAsync"/>), and sends each change of a registered branch to its grain.
/// </summary>
public sealed class BranchIntake(FactCommitter committer, RegionDirectory regions, BranchStore store)
{
    /// <summary>Branches register against a county (or a city without counties); else a 400 naming regionCode.</summary>
    public void Check(BranchProfile profile)
    {
        if (!regions.IsLeaf(profile.RegionCode))
            throw new FieldValidationException("regionCode", new Message(MessageKeys.NotCounty, profile.RegionCode));
    }

    /// <summary>
    /// Everything one change of a branch writes, as one unit: its row (inserted if absent, or updated at the version it was
    /// read at), its county's count of registered branches (moved when the branch moves), and for a correction a change-log
    /// entry with before and after (a registration is its own row, with who and when).
    /// </summary>
    public List<RowWrite> Writes(string branchId, Versioned<BranchProfile>? before, Versioned<BranchProfile> after, string actor)
    {
        var writes = new List<RowWrite>(4)
        {
            store.Put(branchId, after, before?.Version ?? 0),
        };
        if (before?.Value.RegionCode != after.Value.RegionCode)
        {
            writes.Add(RollupWrites.Registered(after.Value.RegionCode, +1));
            if (before is not null) writes.Add(RollupWrites.Registered(before.Value.RegionCode, -1));
        }
        if (before is not null)
            writes.Add(ChangeLog.Entry(after.UpdatedAt, actor, "branch", branchId, "update", before.Value, after.Value, branchId, after.Value.RegionCode));
        return writes;
    }

    /// <summary>
    /// Registers branches <see cref="Check"/> passed as one batch of their own, each inserted if absent. Per branch: null
    /// when registered, a <see cref="WriteConflictException"/> when it was registered already, or the error that failed it alone.
    /// </summary>
    public async Task<IReadOnlyList<Exception?>> RegisterNewAsync(IReadOnlyList<(string BranchId, BranchProfile Profile)> branches, DateTimeOffset at,
        string actor) =>
        await committer.CommitAllAsync([.. branches.Select(b => new WriteUnit(Writes(b.BranchId, null, new Versioned<BranchProfile>(b.Profile, 1, at, at, actor), actor)))]);
}
