using Grassroots.Domain.Model;

namespace Grassroots.Domain.Branches;

/// <summary>A branch (基层工会), keyed by the id its registering authority chose: its profile and its own figures.</summary>
[Alias("branch-grain")]
public interface IBranchGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("get")]
    Task<Versioned<BranchProfile>?> GetAsync();

    /// <summary>Registers or corrects the branch; moving it to another county moves its registered count, not its past records.</summary>
    [Alias("put")]
    Task<Saved<BranchProfile>> PutAsync(BranchProfile profile, string actor);

    /// <summary>The branch's own figures (optionally one campaign, within from..to).</summary>
    [ReadOnly, Alias("totals")]
    Task<Totals> GetTotalsAsync(string? campaignId, DateOnly? from, DateOnly? to);
}
