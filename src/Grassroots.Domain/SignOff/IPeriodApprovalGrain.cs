using Grassroots.Domain.Persistence;

namespace Grassroots.Domain.SignOff;

/// <summary>
/// One region's reporting period of one campaign, keyed "{regionCode}/{campaignId}/{period}" (period "2020-12" or
/// "2020-W49"): its sign-off up the hierarchy (docs/sign-off.md). Who may take each step is the API's to check; the grain
/// checks the step fits the state, the campaign and the region, and keeps every step with its figures.
/// </summary>
[Alias("period-approval-grain"), StoredAsRow]
public interface IPeriodApprovalGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("get")]
    Task<PeriodApproval> GetAsync();

    /// <summary>
    /// Submits (上报) an open or returned period: locks it on every silo, waits for the writes already let through, then
    /// takes its figures. Submitting a submitted period again finishes a submission whose lock was not yet confirmed.
    /// </summary>
    [Alias("submit")]
    Task<PeriodApproval> SubmitAsync(ApprovalActor actor, string? reason);

    /// <summary>Approves (审核通过) a submitted period; it stays locked.</summary>
    [Alias("approve")]
    Task<PeriodApproval> ApproveAsync(ApprovalActor actor, string? reason);

    /// <summary>Returns (退回) a submitted period with a reason; it is unlocked.</summary>
    [Alias("return")]
    Task<PeriodApproval> ReturnAsync(ApprovalActor actor, string reason);

    /// <summary>Re-opens an approved period with a reason; it is unlocked.</summary>
    [Alias("reopen")]
    Task<PeriodApproval> ReopenAsync(ApprovalActor actor, string reason);
}
