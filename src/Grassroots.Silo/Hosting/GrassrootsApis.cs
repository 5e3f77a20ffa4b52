using Grassroots.Silo.Apis;
using Grassroots.Silo.Audit;
using Grassroots.Silo.Branches;
using Grassroots.Silo.Campaigns;
using Grassroots.Silo.Failover;
using Grassroots.Silo.Honorees;
using Grassroots.Silo.Imports;
using Grassroots.Silo.Records;
using Grassroots.Silo.Regions;
using Grassroots.Silo.Reports;
using Grassroots.Silo.Rollups;
using Grassroots.Silo.Security;
using Grassroots.Silo.SignOff;

namespace Grassroots.Silo.Hosting;

public static class GrassrootsApis
{
    /// <summary>Every /api endpoint, one static class per resource.</summary>
    public static IEndpointRouteBuilder MapGrassrootsApis(this IEndpointRouteBuilder app)
    {
        // Every /api endpoint needs a key (401 without a valid one); its field rules are checked next by the framework's
        // validation (400), then each handler checks the key's scope (403). An idempotent request whose grain's silo was
        // just lost runs again.
        var api = app.MapGroup("/api").RequireAuthorization().AddEndpointFilterFactory(FieldChecks.RequireBody)
            .AddEndpointFilter(SiloFailover.Filter)
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        api.MapRegionsApi().MapCampaignsApi().MapBranchesApi().MapHonoreesApi();
        api.MapRecordApis().MapRollupsApi();
        api.MapKeysApi();
        api.MapMeApi();
        api.MapBranchRecordsApi();
        api.MapHonoreeLeaderboardApi();
        api.MapImportsApi();
        api.MapReportsApi();
        api.MapApprovalsApi();
        api.MapAuditApi();
        return app;
    }
}
