using Grassroots.Domain.Model;
namespace Grassroots.Domain.SignOff;

/// <summary>
/// Where a region's reporting period stands (docs/sign-off.md): open until submitted (上报); then approved (审核通过) or
/// returned (退回); an approved period may be re-opened. Submitted and approved periods are locked.
/// </summary>
[GenerateSerializer, Alias("period-state")]
public enum PeriodState { Open, Submitted, Approved, Returned }

/// <summary>Who signs: the change log's actor ("key:&lt;keyId&gt;") and the key's label.</summary>
[GenerateSerializer, Immutable, Alias("approval-actor")]
public sealed record ApprovalActor([property: Id(0)] string Actor, [property: Id(1)] string? Label);

/// <summary>
/// One step of a period's sign-off: submit, approve, return or reopen; who, when, why, the state it led to, and the
/// period's figures as the rollup held them at that step (for a submission: once the period was locked).
/// </summary>
[GenerateSerializer, Immutable, Alias("approval-transition")]
public sealed record ApprovalTransition(
    [property: Id(0)] string Action,
    [property: Id(1)] PeriodState State,
    [property: Id(2)] string Actor,
    [property: Id(3)] string? Label,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] string? Reason,
    [property: Id(6)] SignedFigures? Figures);

/// <summary>
/// A period's figures as a sign-off step records them: the rollup's totals, field by field (plain data, so they are
/// stored as JSON as they are; <see cref="Totals"/> also derives figures from them).
/// </summary>
[GenerateSerializer, Immutable, Alias("signed-figures")]
public sealed record SignedFigures(
    [property: Id(0)] long StudySessions,
    [property: Id(1)] long Attendance,
    [property: Id(2)] long Frontline,
    [property: Id(3)] long Youth,
    [property: Id(4)] long Women,
    [property: Id(5)] long HonoreeTalks,
    [property: Id(6)] long TalkAudience,
    [property: Id(7)] long OnlineViews,
    [property: Id(8)] long PublicityItems,
    [property: Id(9)] long PublicityReach,
    [property: Id(12)] long Competitions,
    [property: Id(13)] long CompetitionParticipants,
    [property: Id(14)] long Awardees,
    [property: Id(10)] long ActiveBranches,
    [property: Id(11)] long RegisteredBranches)
{
    public static SignedFigures From(Totals t) => new(t.StudySessions, t.Attendance, t.Frontline, t.Youth, t.Women, t.HonoreeTalks,
        t.TalkAudience, t.OnlineViews, t.PublicityItems, t.PublicityReach, t.Competitions, t.CompetitionParticipants, t.Awardees,
        t.ActiveBranches, t.RegisteredBranches);

    public Totals ToTotals() => new(StudySessions, Attendance, Frontline, Youth, Women, HonoreeTalks, TalkAudience, OnlineViews,
        PublicityItems, PublicityReach, Competitions, CompetitionParticipants, Awardees, ActiveBranches, RegisteredBranches);
}

/// <summary>
/// A region's reporting period of a campaign and its sign-off so far. <see cref="Locking"/>: submitted, but not every
/// silo has confirmed the lock yet, so there are no figures (the next submit or decision finishes it).
/// </summary>
[GenerateSerializer, Immutable, Alias("period-approval")]
public sealed record PeriodApproval(
    [property: Id(0)] string RegionCode,
    [property: Id(1)] string CampaignId,
    [property: Id(2)] string Period,
    [property: Id(3)] PeriodState State,
    [property: Id(4)] bool Locking,
    [property: Id(5)] long Version,
    [property: Id(6)] IReadOnlyList<ApprovalTransition> History)
{
    public bool Locked => State is PeriodState.Submitted or PeriodState.Approved;

    /// <summary>The figures of the last submission, once taken.</summary>
    public SignedFigures? Submitted => History.LastOrDefault(t => t.Action == ApprovalActions.Submit)?.Figures;
}

/// <summary>The steps of a sign-off, as the change log and the API name them.</summary>
public static class ApprovalActions
{
    public const string Submit = "submit", Approve = "approve", Return = "return", Reopen = "reopen";
}

/// <summary>Period states as stored and sent: "open", "submitted", "approved", "returned".</summary>
public static class PeriodStates
{
    public static string Name(this PeriodState state) => state.ToString().ToLowerInvariant();

    /// <summary>The state as a message says it, in the request's language.</summary>
    public static Message Said(this PeriodState state) => new(state switch
    {
        PeriodState.Open => MessageKeys.PeriodOpen,
        PeriodState.Submitted => MessageKeys.PeriodSubmitted,
        PeriodState.Approved => MessageKeys.PeriodApproved,
        _ => MessageKeys.PeriodReturned,
    });

    public static PeriodState Parse(string name) => Enum.Parse<PeriodState>(name, ignoreCase: true);
}
