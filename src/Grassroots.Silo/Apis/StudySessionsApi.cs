using Grassroots.Domain;
using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Records;

using Grassroots.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Silo.Apis;

/// <summary>Study sessions, symposiums, lectures… a branch logs (学习会、座谈会): attendance and its breakdown.</summary>
public static class StudySessionsApi
{
    public const int MaxTitle = 200, MaxNotes = 2000;
    public static readonly Choices Formats = new(("offline", "线下"), ("online", "线上"), ("hybrid", "线上线下结合"));
    public static readonly Choices Kinds = new(("group-study", "集中学习"), ("symposium", "座谈会"), ("lecture", "专题讲座"),
        ("team-study", "班组学习"), ("contest", "知识竞赛"), ("other", "其他"));

    private static readonly RecordResource<IStudySessionGrain, StudySession, StudySessionResponse> Resource =
        new("study session", StudySessionResponse.From);

    public static RouteGroupBuilder MapStudySessionsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("branches/{branchId}/study-sessions").WithTags("Study sessions");
        group.MapPut("{sessionId}", PutStudySessionAsync).WithName("PutStudySession")
            .WithSummary("Logs or corrects a study session; the same body twice changes nothing.");
        group.MapGet("{sessionId}", GetStudySessionAsync).WithName("GetStudySession")
            .WithSummary("A study session with its version and whether it was voided.");
        group.MapDelete("{sessionId}", VoidStudySessionAsync).WithName("VoidStudySession")
            .WithSummary("Voids a study session (reason required): it leaves every rollup and stays readable.");
        return api;
    }

    // No part of the attendance may exceed its total: a field rule (CountAttribute.NotAbove), so the OpenAPI document says it too.
    private static Task<Results<Created<StudySessionResponse>, Ok<StudySessionResponse>, ValidationProblem, ProblemHttpResult>> PutStudySessionAsync(
        [Id] string branchId, [Id] string sessionId, [Body] StudySessionRequest request, IGrainFactory grains, RecordIntake intake, Access access, HttpContext context) =>
        Resource.PutAsync(grains, intake, access, branchId, sessionId, ToRecord(request), context);

    /// <summary>The domain record of a request its rules have passed (imports build theirs here too).</summary>
    internal static StudySession ToRecord(StudySessionRequest request)
    {
        var a = request.Attendees!;
        return new StudySession(request.CampaignId!, request.Title!, request.HeldOn!.Value, request.Format!, request.Kind,
            new Attendance(a.Total!.Value, a.Frontline, a.Youth, a.Women), request.OnlineViews, request.Notes);
    }

    private static Task<Results<Ok<StudySessionResponse>, ProblemHttpResult, ValidationProblem>> GetStudySessionAsync(
        [Id] string branchId, [Id] string sessionId, IGrainFactory grains, Access access, HttpContext context) =>
        Resource.GetAsync(grains, access, branchId, sessionId, context);

    private static Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> VoidStudySessionAsync(
        [Id] string branchId, [Id] string sessionId, [AsParameters] VoidQuery query, IGrainFactory grains, Access access, HttpContext context) =>
        Resource.VoidAsync(grains, access, branchId, sessionId, query.reason, context);
}
