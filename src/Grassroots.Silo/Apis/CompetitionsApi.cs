using Grassroots.Domain;
using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Records;

using Grassroots.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Silo.Apis;

/// <summary>
/// Labour and skills competitions a branch runs (劳动和技能竞赛): labour, skills or innovation competitions, their
/// participants with the same breakdown as a study session's attendance, and their awardees.
/// </summary>
public static class CompetitionsApi
{
    public const int MaxTitle = 200, MaxNotes = 2000;
    public static readonly Choices Kinds = new(("labour", "劳动竞赛"), ("skills", "技能竞赛"), ("innovation", "创新竞赛"));

    private static readonly RecordResource<ICompetitionGrain, Competition, CompetitionResponse> Resource =
        new("competition", CompetitionResponse.From);

    public static RouteGroupBuilder MapCompetitionsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("branches/{branchId}/competitions").WithTags("Competitions");
        group.MapPut("{competitionId}", PutCompetitionAsync).WithName("PutCompetition")
            .WithSummary("Logs or corrects a labour or skills competition; the same body twice changes nothing.");
        group.MapGet("{competitionId}", GetCompetitionAsync).WithName("GetCompetition")
            .WithSummary("A competition with its version and whether it was voided.");
        group.MapDelete("{competitionId}", VoidCompetitionAsync).WithName("VoidCompetition")
            .WithSummary("Voids a competition (reason required): it leaves every rollup and stays readable.");
        return api;
    }

    private static Task<Results<Created<CompetitionResponse>, Ok<CompetitionResponse>, ValidationProblem, ProblemHttpResult>> PutCompetitionAsync(
        [Id] string branchId, [Id] string competitionId, [Body] CompetitionRequest request, IGrainFactory grains, RecordIntake intake,
        Access access, HttpContext context) =>
        Resource.PutAsync(grains, intake, access, branchId, competitionId, ToRecord(request), context);

    /// <summary>The domain record of a request its rules have passed (imports build theirs here too).</summary>
    internal static Competition ToRecord(CompetitionRequest request)
    {
        var p = request.Participants!;
        return new Competition(request.CampaignId!, request.Title!, request.Kind!, request.StartsOn!.Value, request.EndsOn,
            new Attendance(p.Total!.Value, p.Frontline, p.Youth, p.Women), request.Awardees, request.Notes);
    }

    private static Task<Results<Ok<CompetitionResponse>, ProblemHttpResult, ValidationProblem>> GetCompetitionAsync(
        [Id] string branchId, [Id] string competitionId, IGrainFactory grains, Access access, HttpContext context) =>
        Resource.GetAsync(grains, access, branchId, competitionId, context);

    private static Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> VoidCompetitionAsync(
        [Id] string branchId, [Id] string competitionId, [AsParameters] VoidQuery query, IGrainFactory grains, Access access, HttpContext context) =>
        Resource.VoidAsync(grains, access, branchId, competitionId, query.reason, context);
}
