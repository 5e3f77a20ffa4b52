using System.ComponentModel.DataAnnotations;
using Grassroots.Domain;
using Grassroots.Domain.Records;
using Grassroots.Silo.Apis;
using Microsoft.Extensions.Validation;
using IdAttribute = Grassroots.Silo.Apis.IdAttribute;
using RequiredAttribute = Grassroots.Silo.Apis.RequiredAttribute;

namespace Grassroots.Silo.Records;

/// <summary>
/// Labour and skills competitions a branch runs (劳动和技能竞赛): labour, skills or innovation competitions, their
/// participants with the same breakdown as a study session's attendance, and their awardees.
/// </summary>
public sealed class CompetitionsApi
    : RecordResource<CompetitionPath, CompetitionRequest, CompetitionImportRow, Competition, ICompetitionGrain, CompetitionResponse>
{
    public const int MaxTitle = 200, MaxNotes = 2000;
    public static readonly Choices Kinds = new(("labour", "劳动竞赛"), ("skills", "技能竞赛"), ("innovation", "创新竞赛"));

    public override RecordKind Kind => RecordKinds.Competitions;
    public override string Segment => "competitions";
    public override string JsonName => "competitions";
    public override string Tag => "Competitions";
    public override string OperationName => "Competition";
    public override string Entity => "competition";
    public override string ChineseName => "劳动和技能竞赛";
    public override string PutSummary => "Logs or corrects a labour or skills competition; the same body twice changes nothing.";
    public override string GetSummary => "A competition with its version and whether it was voided.";
    public override string VoidSummary => "Voids a competition (reason required): it leaves every rollup and stays readable.";

    public override IReadOnlyDictionary<string, string[]> ImportHeaders { get; } = new Dictionary<string, string[]>
    {
        ["title"] = ["竞赛名称", "标题"],
        ["kind"] = ["竞赛类型", "类型"],
        ["startsOn"] = ["开始日期", "日期"],
        ["endsOn"] = ["结束日期"],
        ["participants.total"] = ["参与人次"],
        ["participants.frontline"] = ["一线职工人次", "一线职工"],
        ["participants.youth"] = ["青年职工人次", "青年职工"],
        ["participants.women"] = ["女职工人次", "女职工"],
        ["awardees"] = ["获奖人数"],
        ["notes"] = ["备注"],
    };

    public override IReadOnlyDictionary<string, string> FigureHeaders { get; } = new Dictionary<string, string>
    {
        ["competitions"] = "竞赛场次", ["competition_participants"] = "竞赛参与人次", ["awardees"] = "获奖人数",
    };

    public override Competition ToRecord(CompetitionRequest request)
    {
        var p = request.Participants!;
        return new Competition(request.CampaignId!, request.Title!, request.Kind!, request.StartsOn!.Value, request.EndsOn,
            new Attendance(p.Total!.Value, p.Frontline, p.Youth, p.Women), request.Awardees, request.Notes);
    }

    public override CompetitionResponse ToResponse(LoggedRecord r)
    {
        var d = r.Data as Competition ?? throw new ArgumentException("Not a competition.", nameof(r));
        var p = d.Participants;
        return new(r.BranchId, r.RecordId, r.RegionCode, d.CampaignId, d.Title, d.Kind, d.StartsOn, d.EndsOn,
            new AttendeesResponse(p.Total, p.Frontline, p.Youth, p.Women), d.Awardees, d.Notes,
            r.Version, r.CreatedAt, r.UpdatedAt, r.Voided, r.VoidReason);
    }
}

[ValidatableType]
public sealed record CompetitionPath([property: Id] string branchId, [property: Id] string competitionId) : IRecordPath
{
    public static string IdName => nameof(competitionId);

    string IRecordPath.RecordId => competitionId;
}

[ValidatableType]
public record CompetitionRequest(
    [property: Required, Id] string? CampaignId,
    [property: Required, Text(CompetitionsApi.MaxTitle)] string? Title,
    [property: Required, OneOf(typeof(CompetitionsApi), nameof(CompetitionsApi.Kinds))] string? Kind,
    [property: Required, Date(CampaignDay = true)] DateOnly? StartsOn,
    [property: Date(CampaignDay = true, NotBefore = nameof(CompetitionRequest.StartsOn))] DateOnly? EndsOn,
    [property: Required] AttendeesRequest? Participants,
    // Awardees are people among the participants.
    [property: Count, NotAbove("Participants.Total")] int? Awardees,
    [property: Text(CompetitionsApi.MaxNotes, MultiLine = true)] string? Notes) : IRulesInAttributes;

[ValidatableType]
public sealed record CompetitionImportRow : CompetitionRequest, IImportRow
{
    public CompetitionImportRow() : base(null, null, null, null, null, null, null, null) { }

    [Required, Id] public string? BranchId { get; init; }
    [Required, Id] public string? Id { get; init; }
}

public sealed record CompetitionResponse(string BranchId, string Id, string RegionCode, string CampaignId, string Title, string Kind,
    DateOnly StartsOn, DateOnly? EndsOn, AttendeesResponse Participants, int? Awardees, string? Notes,
    long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Voided, string? VoidReason);
