using System.Security.Claims;
using Grassroots.Domain;
using Grassroots.Domain.Branches;
using Grassroots.Domain.Honorees;
using Grassroots.Domain.Regions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Silo.Security;

/// <summary>
/// What a key may do (docs/architecture.md, "Security"). Endpoints ask here after checking their input and before touching
/// any grain beyond reading where something lies, so a refusal (403) never leaves anything stored. Anything whose
/// place in the hierarchy cannot be established (an unknown branch, an unknown region) is outside every scope
/// but hq's: refusal is the default.
/// </summary>
public sealed class Access(RegionDirectory regions, IGrainFactory grains, BranchDirectory branches)
{
    public static readonly Message RefusedTitle = new(MessageKeys.OutsideScope);

    public static ProblemHttpResult Refused() => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: RefusedTitle.InCurrentCulture(),
        detail: new Message(MessageKeys.ScopeRules).InCurrentCulture());

    /// <summary>Creating or correcting campaigns: hq only.</summary>
    public static bool CanManageCampaigns(ClaimsPrincipal user) => KeyHolder.From(user)?.Role == Roles.Hq;

    /// <summary>Using the keys API at all: hq and region-admin keys; which keys they may manage is <see cref="CanManageKeyAsync"/>.</summary>
    public static bool CanManageKeys(ClaimsPrincipal user) => KeyHolder.From(user)?.Role is Roles.Hq or Roles.RegionAdmin;

    /// <summary>
    /// A region's figures and its list of branches: hq, or a region-admin whose subtree holds the region. Branch keys
    /// read their own branch's figures only, never a region's.
    /// </summary>
    public bool CanReadRegion(ClaimsPrincipal user, string regionCode) => KeyHolder.From(user) switch
    {
        { Role: Roles.Hq } => true,
        { Role: Roles.RegionAdmin } admin => regions.IsWithin(regionCode, admin.Scope),
        _ => false,
    };

    /// <summary>
    /// A branch's profile and figures, and reading, logging and voiding its records: its own branch key, a
    /// region-admin above the county it is registered in now, hq.
    /// </summary>
    public async Task<bool> CanActForBranchAsync(ClaimsPrincipal user, string branchId) => KeyHolder.From(user) switch
    {
        { Role: Roles.Hq } => true,
        { Role: Roles.Branch } branch => branch.Scope == branchId,
        { Role: Roles.RegionAdmin } admin => await RegionOfBranchAsync(branchId) is { } county && regions.IsWithin(county, admin.Scope),
        _ => false,
    };

    /// <summary>
    /// Registering or correcting a branch: hq, or a region-admin whose subtree holds both the county it goes to and,
    /// for a registered branch, the county it is in now — so no admin can take over a branch from outside.
    /// </summary>
    public async Task<bool> CanManageBranchAsync(ClaimsPrincipal user, string branchId, string regionCode) => KeyHolder.From(user) switch
    {
        { Role: Roles.Hq } => true,
        { Role: Roles.RegionAdmin } admin => regions.IsWithin(regionCode, admin.Scope)
            && (await branches.CountyOfAsync(branchId) is not { } now || regions.IsWithin(now, admin.Scope)),
        _ => false,
    };

    /// <summary>
    /// Creating or correcting an honoree: hq, or a region-admin of the honoree's province — for an existing
    /// honoree, of both its current and its new province. City and county admins manage branches, not honorees.
    /// </summary>
    public async Task<bool> CanManageHonoreeAsync(ClaimsPrincipal user, string honoreeId, string provinceCode) => KeyHolder.From(user) switch
    {
        { Role: Roles.Hq } => true,
        { Role: Roles.RegionAdmin } admin => regions.IsWithin(provinceCode, admin.Scope)
            && (await grains.GetGrain<IHonoreeGrain>(honoreeId).GetAsync() is not { } now || regions.IsWithin(now.Value.ProvinceCode, admin.Scope)),
        _ => false,
    };

    /// <summary>
    /// The region a key's scope lies in — CN for hq, the region for a region-admin, the county of a branch — or null
    /// when the scope does not fit the role: hq is scoped to CN, a region-admin to a province, city or county, a branch
    /// key to a registered branch.
    /// </summary>
    public async Task<string?> ScopeRegionAsync(string role, string scope) => role switch
    {
        Roles.Hq => scope == RegionDirectory.National ? scope : null,
        Roles.RegionAdmin => regions.Find(scope) is { Level: not RegionLevel.National } ? scope : null,
        Roles.Branch => await RegionOfBranchAsync(scope),
        _ => null,
    };

    /// <summary>
    /// Issuing or revoking a key of <paramref name="role"/> for <paramref name="scope"/>: hq any key; a region-admin
    /// branch keys in its subtree and region-admin keys strictly below itself — never one for its own region, which
    /// would let a peer of equal rights be made or taken away (README: "below itself"); a branch key none.
    /// </summary>
    public async Task<bool> CanManageKeyAsync(ClaimsPrincipal user, string role, string scope) => KeyHolder.From(user) switch
    {
        { Role: Roles.Hq } => true,
        { Role: Roles.RegionAdmin } admin => role switch
        {
            Roles.Branch => await ScopeRegionAsync(role, scope) is { } county && regions.IsWithin(county, admin.Scope),
            Roles.RegionAdmin => scope != admin.Scope && await ScopeRegionAsync(role, scope) is { } region && regions.IsWithin(region, admin.Scope),
            _ => false,
        },
        _ => false,
    };

    private Task<string?> RegionOfBranchAsync(string branchId) => branches.CountyOfAsync(branchId);
}
