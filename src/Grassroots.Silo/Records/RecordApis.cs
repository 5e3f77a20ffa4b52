namespace Grassroots.Silo.Records;

/// <summary>What branches log: study sessions, honoree talks, publicity, competitions.</summary>
public static class RecordApis
{
    /// <summary>
    /// The kinds of record, each described once by its <see cref="RecordResource"/>; their routes, the import's kinds, the
    /// audit's record types and the reports' figure headers are made from this list, in this order.
    /// </summary>
    public static readonly IReadOnlyList<RecordResource> All = [new StudySessionsApi(), new HonoreeTalksApi(), new PublicityApi(), new CompetitionsApi()];

    public static RouteGroupBuilder MapRecordApis(this RouteGroupBuilder api)
    {
        foreach (var kind in All) kind.Map(api);
        return api;
    }
}
