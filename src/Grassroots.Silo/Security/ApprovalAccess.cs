using System.Security.Claims;
using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Regions;

namespace Grassroots.Silo.Security;

/// <summary>
/// Who may take which step of a sign-off (docs/sign-off.md): a region submits its own periods (its region-admin key); the
/// region that approves it — the nearest above it on a later level of the campaign's path — approves, returns and
/// re-opens them (that region's admin key); hq may do every step. Reading periods is reading the region.
/// </summary>
public static class ApprovalAccess
{
    public static bool CanSubmit(ClaimsPrincipal user, string regionCode) => KeyHolder.From(user) switch
    {
        { Role: Roles.Hq } => true,
        { Role: Roles.RegionAdmin } admin => admin.Scope == regionCode,
        _ => false,
    };

    public static bool CanDecide(ClaimsPrincipal user, RegionDirectory regions, Campaign campaign, string regionCode) => KeyHolder.From(user) switch
    {
        { Role: Roles.Hq } => true,
        { Role: Roles.RegionAdmin } admin => ApprovalLevels.ApproverOf(regions, campaign.Path, regionCode) == admin.Scope,
        _ => false,
    };
}
