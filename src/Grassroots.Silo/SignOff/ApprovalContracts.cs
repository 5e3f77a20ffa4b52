using Grassroots.Domain.SignOff;
using Grassroots.Silo.Apis;
using RequiredAttribute = Grassroots.Silo.Apis.RequiredAttribute;

namespace Grassroots.Silo.SignOff;

// Wire shapes of sign-off (上报 / 审核). States are open, submitted, approved, returned; a period is locked while
// submitted or approved. "by" names a key: its id and label.

/// <summary>The body of a submission or approval: an optional note.</summary>
[Microsoft.Extensions.Validation.ValidatableType]
public sealed record ApprovalNote([property: Text(TextAttribute.MaxReason)] string? Reason);

/// <summary>The body of a return or re-opening: why, required.</summary>
[Microsoft.Extensions.Validation.ValidatableType]
public sealed record ApprovalReason([property: Required, Text(TextAttribute.MaxReason)] string? Reason);

/// <summary>A key that took a step: its id and label (null for a step taken without a stored key).</summary>
public sealed record KeyRef(string? KeyId, string? Label)
{
    public static KeyRef Of(string actor, string? label) =>
        new(actor.StartsWith("key:", StringComparison.Ordinal) ? actor[4..] : null, label ?? (actor.StartsWith("key:", StringComparison.Ordinal) ? null : actor));
}

/// <summary>How many of the regions a region approves stand in each state.</summary>
public sealed record StateCounts(int Open, int Submitted, int Approved, int Returned)
{
    public static StateCounts Of(IEnumerable<PeriodState> states)
    {
        var all = states.ToList();
        return new(all.Count(s => s == PeriodState.Open), all.Count(s => s == PeriodState.Submitted), all.Count(s => s == PeriodState.Approved),
            all.Count(s => s == PeriodState.Returned));
    }
}

/// <summary>A region's periods of a campaign, newest first.</summary>
public sealed record RegionPeriods(string RegionCode, string RegionName, string Level, string CampaignId, string ReportingPeriod,
    IReadOnlyList<string> ApprovalPath, bool Submits, string? ApproverCode, string? ApproverName, IReadOnlyList<PeriodSummary> Periods);

/// <summary>
/// One period of a region: its own state (null when the region does not submit on the campaign's path), when and by whom it
/// last moved, the figures submitted; <see cref="Approvees"/> counts the regions it approves by state (null when none).
/// </summary>
public sealed record PeriodSummary(string Period, DateOnly Start, DateOnly End, string? State, bool Locked, DateTimeOffset? UpdatedAt,
    KeyRef? UpdatedBy, TotalsDto? Submitted, StateCounts? Approvees);

/// <summary>One step of a sign-off: who (key id and label), when, why, the state it led to and the period's figures then.</summary>
public sealed record ApprovalStep(string Action, string State, KeyRef By, DateTimeOffset At, string? Reason, TotalsDto? Figures)
{
    public static ApprovalStep From(ApprovalTransition t) =>
        new(t.Action, t.State.Name(), KeyRef.Of(t.Actor, t.Label), t.At, t.Reason, t.Figures is null ? null : TotalsDto.From(t.Figures.ToTotals()));
}

/// <summary>A region this region approves, as it stands in the period.</summary>
public sealed record ApproveeState(string Code, string Name, string State, DateTimeOffset? UpdatedAt, KeyRef? UpdatedBy, TotalsDto? Submitted);

/// <summary>A direct child region in the period: its own state (null when it does not submit) and the submitting regions inside it by state.</summary>
public sealed record ChildState(string Code, string Name, string? State, StateCounts Below);

/// <summary>
/// One period of one region: its state and steps (when it submits), the region that decides it, the regions it decides
/// itself and its direct children's states. <see cref="Pending"/>: submitted, but the lock is not yet confirmed by every
/// silo and there are no figures; submitting again finishes it.
/// </summary>
public sealed record PeriodDetail(string RegionCode, string RegionName, string Level, string CampaignId, string Period, DateOnly Start,
    DateOnly End, bool Submits, string? State, bool Locked, bool Pending, string? ApproverCode, string? ApproverName,
    TotalsDto? Submitted, IReadOnlyList<ApprovalStep> History, IReadOnlyList<ApproveeState> Approvees, IReadOnlyList<ChildState> Children);
