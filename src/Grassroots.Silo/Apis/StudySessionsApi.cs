using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;

using Grassroots.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Silo.Apis;

/// <summary>Study sessions, symposiums, lectures… a branch logs (学习会、座谈会): attendance and its breakdown.</summary>
public static class StudySessionsApi
{
    public static readonly string[] Formats = ["offline", "online", "hybrid"];
    public static readonly string[] Kinds = ["group-study", "symposium", "lecture", "team-study", "contest", "other"];

    private static readonly RecordResource<IStudySessionGrain, StudySession, StudySessionResponse> Resource =
        new("sessionId", "study session", StudySessionResponse.From);

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

    private static async Task<Results<Created<StudySessionResponse>, Ok<StudySessionResponse>, ValidationProblem, ProblemHttpResult>> PutStudySessionAsync(
        string branchId, string sessionId, StudySessionRequest request, IGrainFactory grains, Access access, HttpContext context)
    {
        var validator = Resource.CheckPath(branchId, sessionId);
        Check(request, validator);
        if (!validator.IsValid) return RecordResource.Invalid(validator);
        var a = request.Attendees!;
        var session = new StudySession(request.CampaignId!, request.Title!, request.HeldOn!.Value, request.Format!, request.Kind,
            new Attendance(a.Total!.Value, a.Frontline, a.Youth, a.Women), request.OnlineViews, request.Notes);
        return await Resource.PutAsync(grains, access, branchId, sessionId, session, context);
    }

    private static Task<Results<Ok<StudySessionResponse>, ProblemHttpResult, ValidationProblem>> GetStudySessionAsync(
        string branchId, string sessionId, IGrainFactory grains, Access access, HttpContext context) =>
        Resource.GetAsync(grains, access, branchId, sessionId, context);

    private static Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> VoidStudySessionAsync(
        string branchId, string sessionId, string? reason, IGrainFactory grains, Access access, HttpContext context) =>
        Resource.VoidAsync(grains, access, branchId, sessionId, reason, context);

    private static void Check(StudySessionRequest r, Validator v)
    {
        if (v.Required("campaignId", r.CampaignId)) v.Id("campaignId", r.CampaignId);
        v.Text("title", r.Title, 200, required: true);
        v.Required("heldOn", r.HeldOn);
        v.OneOf("format", r.Format, Formats, required: true);
        v.OneOf("kind", r.Kind, Kinds);
        v.Count("onlineViews", r.OnlineViews);
        v.Text("notes", r.Notes, 2000);
        if (!v.Required("attendees", r.Attendees)) return;
        var a = r.Attendees!;
        v.Count("attendees.total", a.Total, required: true);
        foreach (var (field, value) in new[] { ("frontline", a.Frontline), ("youth", a.Youth), ("women", a.Women) })
        {
            v.Count($"attendees.{field}", value);
            if (value > a.Total) v.Fail($"attendees.{field}", $"Must not exceed attendees.total ({a.Total}).");
        }
    }
}
