namespace Grassroots.Silo.Apis;

/// <summary>What branches log (study sessions, honoree talks, publicity, competitions) and the rollups those records feed.</summary>
public static class RecordApis
{
    public static RouteGroupBuilder MapRecordApis(this RouteGroupBuilder api) => api
        .MapStudySessionsApi()
        .MapHonoreeTalksApi()
        .MapPublicityApi()
        .MapCompetitionsApi()
        .MapRollupsApi();
}
