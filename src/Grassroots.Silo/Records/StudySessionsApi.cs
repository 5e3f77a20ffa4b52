using Grassroots.Domain;
using Grassroots.Domain.Records;
using Grassroots.Silo.Apis;
using Microsoft.Extensions.Validation;
using IdAttribute = Grassroots.Silo.Apis.IdAttribute;
using RequiredAttribute = Grassroots.Silo.Apis.RequiredAttribute;

namespace Grassroots.Silo.Records;

/// <summary>Study sessions, symposiums, lectures… a branch logs (学习会、座谈会): attendance and its breakdown.</summary>
public sealed class StudySessionsApi
    : RecordResource<StudySessionPath, StudySessionRequest, StudySessionImportRow, StudySession, IStudySessionGrain, StudySessionResponse>
{
    public const int MaxTitle = 200, MaxNotes = 2000;
    public static readonly Choices Formats = new(("offline", "线下"), ("online", "线上"), ("hybrid", "线上线下结合"));
    public static readonly Choices Kinds = new(("group-study", "集中学习"), ("symposium", "座谈会"), ("lecture", "专题讲座"),
        ("team-study", "班组学习"), ("contest", "知识竞赛"), ("other", "其他"));

    public override RecordKind Kind => RecordKinds.StudySessions;
    public override string Segment => "study-sessions";
    public override string JsonName => "studySessions";
    public override string Tag => "Study sessions";
    public override string OperationName => "StudySession";
    public override string Entity => "study session";
    public override string ChineseName => "学习会";
    public override string PutSummary => "Logs or corrects a study session; the same body twice changes nothing.";
    public override string GetSummary => "A study session with its version and whether it was voided.";
    public override string VoidSummary => "Voids a study session (reason required): it leaves every rollup and stays readable.";

    public override IReadOnlyDictionary<string, string[]> ImportHeaders { get; } = new Dictionary<string, string[]>
    {
        ["title"] = ["标题", "主题"],
        ["heldOn"] = ["日期", "举办日期"],
        ["format"] = ["形式"],
        ["kind"] = ["类型"],
        ["attendees.total"] = ["参与人次"],
        ["attendees.frontline"] = ["一线职工人次", "一线职工"],
        ["attendees.youth"] = ["青年职工人次", "青年职工"],
        ["attendees.women"] = ["女职工人次", "女职工"],
        ["notes"] = ["备注"],
    };

    public override IReadOnlyDictionary<string, string> FigureHeaders { get; } = new Dictionary<string, string>
    {
        ["study_sessions"] = "学习场次", ["attendance"] = "参与人次", ["frontline"] = "一线职工人次", ["youth"] = "青年职工人次",
        ["women"] = "女职工人次", ["online_views"] = "线上观看",
    };

    public override StudySession ToRecord(StudySessionRequest request)
    {
        var a = request.Attendees!;
        return new StudySession(request.CampaignId!, request.Title!, request.HeldOn!.Value, request.Format!, request.Kind,
            new Attendance(a.Total!.Value, a.Frontline, a.Youth, a.Women), request.OnlineViews, request.Notes);
    }

    public override StudySessionResponse ToResponse(LoggedRecord r)
    {
        var d = (StudySession)r.Data;
        var a = d.Attendees;
        return new(r.BranchId, r.RecordId, r.RegionCode, d.CampaignId, d.Title, d.HeldOn, d.Format, d.Kind,
            new AttendeesResponse(a.Total, a.Frontline, a.Youth, a.Women), d.OnlineViews, d.Notes,
            r.Version, r.CreatedAt, r.UpdatedAt, r.Voided, r.VoidReason);
    }
}

[ValidatableType]
public sealed record StudySessionPath([property: Id] string branchId, [property: Id] string sessionId) : IRecordPath
{
    public static string IdName => nameof(sessionId);

    string IRecordPath.RecordId => sessionId;
}

// No part of the attendance may exceed its total: a field rule (NotAboveAttribute), so the OpenAPI document says it too.
[ValidatableType]
public record StudySessionRequest(
    [property: Required, Id] string? CampaignId,
    [property: Required, Text(StudySessionsApi.MaxTitle)] string? Title,
    [property: Required, Date(CampaignDay = true)] DateOnly? HeldOn,
    [property: Required, OneOf(typeof(StudySessionsApi), nameof(StudySessionsApi.Formats))] string? Format,
    [property: OneOf(typeof(StudySessionsApi), nameof(StudySessionsApi.Kinds))] string? Kind,
    [property: Required] AttendeesRequest? Attendees,
    [property: Count] int? OnlineViews,
    [property: Text(StudySessionsApi.MaxNotes, MultiLine = true)] string? Notes);

[ValidatableType]
public sealed record StudySessionImportRow : StudySessionRequest, IImportRow
{
    public StudySessionImportRow() : base(null, null, null, null, null, null, null, null) { }

    [Required, Id] public string? BranchId { get; init; }
    [Required, Id] public string? Id { get; init; }
}

public sealed record StudySessionResponse(string BranchId, string Id, string RegionCode, string CampaignId, string Title,
    DateOnly HeldOn, string Format, string? Kind, AttendeesResponse Attendees, int? OnlineViews, string? Notes,
    long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Voided, string? VoidReason);
