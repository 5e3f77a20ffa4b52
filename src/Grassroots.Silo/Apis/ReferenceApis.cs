
namespace Grassroots.Silo.Apis;

/// <summary>Reference data: regions, campaigns, branches and honorees.</summary>
public static class ReferenceApis
{
    public static RouteGroupBuilder MapReferenceApis(this RouteGroupBuilder api) =>
        api.MapRegionsApi().MapCampaignsApi().MapBranchesApi().MapHonoreesApi();
}
