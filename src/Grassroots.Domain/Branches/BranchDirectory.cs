using Grassroots.Domain.Caching;

namespace Grassroots.Domain.Branches;

/// <summary>
/// What a record needs of its branch, as this silo knows it: the county its new records count under (docs/architecture.md, "The path of a write"). A
/// record's grain asks here instead of calling the branch grain, so a write never waits on another grain; a cold branch
/// costs one indexed read, once per silo, and an import asks for a chunk's branches in one read. The branch grain has
/// every silo forget a branch it moves before the move is acknowledged. Absence is not kept: a branch registered in
/// bulk is seen at once.
/// </summary>
public sealed class BranchDirectory(BranchStore store, TimeProvider clock) : ISiloCache
{
    public const string CacheKind = "branch";

    private readonly SiloCache<string> _counties = new(CacheKind, clock, keepAbsence: false);

    public string Kind => CacheKind;

    /// <summary>The county the branch is registered under; null when no branch has this id.</summary>
    public Task<string?> CountyOfAsync(string branchId) => _counties.GetAsync(branchId, () => store.CountyOfAsync(branchId));

    /// <summary>The counties of many branches (null for ids no branch has), read at most once.</summary>
    public Task<IReadOnlyDictionary<string, string?>> CountiesOfAsync(IEnumerable<string> branchIds) =>
        _counties.GetManyAsync(branchIds, store.CountiesOfAsync);

    public void Forget(string id) => _counties.Forget(id);
}
