using Grassroots.Domain;
using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Regions;
using Grassroots.Domain.SignOff;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Validation;
using IdAttribute = Grassroots.Silo.Apis.IdAttribute;
using RequiredAttribute = Grassroots.Silo.Apis.RequiredAttribute;

namespace Grassroots.Silo.SignOff;

/// <summary>
/// Sign-off up the hierarchy (上报 / 审核, docs/sign-off.md): a region's periods of a campaign with their states; one period
/// with its steps, the regions it decides and its children; and the steps — submit (the region's own admin key), approve,
/// return and re-open (the admin key of the region that approves it), each also open to hq. A submitted or approved
/// period locks the records of the region's branches dated in it.
/// </summary>
public static class ApprovalsApi
{
    private const string PeriodPath = "{regionCode}/{campaignId}/{period}";

    public static RouteGroupBuilder MapApprovalsApi(this RouteGroupBuilder api)
    {
        var approvals = api.MapGroup("approvals").WithTags("Approvals");
        approvals.MapGet("{regionCode}", ListPeriodsAsync).WithName("ListPeriods")
            .WithSummary("A region's reporting periods of a campaign, newest first: its own state in each and the states of the regions it approves.");
        approvals.MapGet(PeriodPath, GetPeriodAsync).WithName("GetPeriod")
            .WithSummary("One period of a region: state, steps with who, when, why and the figures, the regions it approves, its children's states.");
        approvals.MapPost($"{PeriodPath}/submit", SubmitPeriodAsync).WithName("SubmitPeriod")
            .WithSummary("Submits (上报) an open or returned period: it is locked, then its figures are taken. The region's admin key, or hq.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        approvals.MapPost($"{PeriodPath}/approve", ApprovePeriodAsync).WithName("ApprovePeriod")
            .WithSummary("Approves (审核通过) a submitted period; it stays locked. The approving region's admin key, or hq.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        approvals.MapPost($"{PeriodPath}/return", ReturnPeriodAsync).WithName("ReturnPeriod")
            .WithSummary("Returns (退回) a submitted period with a reason; it is unlocked. The approving region's admin key, or hq.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        approvals.MapPost($"{PeriodPath}/reopen", ReopenPeriodAsync).WithName("ReopenPeriod")
            .WithSummary("Re-opens an approved period with a reason; it is unlocked. The approving region's admin key, or hq.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return api;
    }

    public static async Task<Results<Ok<RegionPeriods>, ProblemHttpResult, ValidationProblem>> ListPeriodsAsync(
        [RegionCode(National = true)] string regionCode, [AsParameters] RequiredCampaignQuery query, RegionDirectory regions,
        CampaignDirectory campaigns, PeriodApprovalTable approvals, TimeProvider clock, Access access, HttpContext context,
        CancellationToken cancellationToken)
    {
        var campaignId = query.campaignId!;
        if (regions.Find(regionCode) is not { } region) return UnknownRegion(regionCode);
        if (!access.CanReadRegion(context.User, regionCode)) return Access.Refused();
        if ((await campaigns.GetAsync(campaignId!))?.Value is not { } campaign)
            return FieldChecks.Invalid("campaignId", new(MessageKeys.NoCampaign, campaignId));

        var path = campaign.Path;
        var submits = ApprovalLevels.Submits(regions, path, regionCode);
        var approvees = ApprovalLevels.Approvees(regions, path, regionCode).ToList();
        var own = submits ? (await approvals.ReadAsync(campaign.Id, null, [regionCode], cancellationToken)).ToDictionary(r => r.Period) : [];
        var below = (await approvals.ReadAsync(campaign.Id, null, approvees, cancellationToken)).ToLookup(r => r.Period);
        var approver = ApprovalLevels.ApproverOf(regions, path, regionCode);
        var periods = ReportingPeriod.Of(campaign, clock.Today()).Reverse().Select(p =>
        {
            var row = own.GetValueOrDefault(p.Id);
            var states = below[p.Id].ToDictionary(r => r.RegionCode, r => r.State);
            return new PeriodSummary(p.Id, p.Start, p.End, submits ? (row?.State ?? PeriodState.Open).Name() : null,
                row?.State is PeriodState.Submitted or PeriodState.Approved, row?.UpdatedAt, row is null ? null : KeyRef.Of(row.UpdatedBy, row.Label),
                row?.Submitted is { } figures ? TotalsDto.From(figures.ToTotals()) : null,
                approvees.Count == 0 ? null : StateCounts.Of(approvees.Select(a => states.GetValueOrDefault(a, PeriodState.Open))));
        }).ToList();
        return TypedResults.Ok(new RegionPeriods(region.Code, region.Name, LevelName(region), campaign.Id, campaign.ReportingPeriod, path, submits,
            approver, approver is null ? null : regions.Find(approver)?.Name, periods));
    }

    public static async Task<Results<Ok<PeriodDetail>, ProblemHttpResult, ValidationProblem>> GetPeriodAsync(
        [RegionCode(National = true)] string regionCode, [Id] string campaignId, [Period] string period, RegionDirectory regions,
        CampaignDirectory campaigns, PeriodApprovalTable approvals, IGrainFactory grains, TimeProvider clock, Access access,
        HttpContext context, CancellationToken cancellationToken)
    {
        if (regions.Find(regionCode) is null) return UnknownRegion(regionCode);
        var campaign = (await campaigns.GetAsync(campaignId))?.Value;
        if (ReportingPeriodProblem(campaign, campaignId, regions, regionCode, period, clock, submitter: false) is { } invalid) return invalid;
        if (!access.CanReadRegion(context.User, regionCode)) return Access.Refused();

        var approval = ApprovalLevels.Submits(regions, campaign!.Path, regionCode)
            ? await grains.GetGrain<IPeriodApprovalGrain>(GrainKey(regionCode, campaignId, period)).GetAsync()
            : null;
        return TypedResults.Ok(await DetailAsync(regions, approvals, campaign, regionCode, period, approval, cancellationToken));
    }

    public static Task<Results<Ok<PeriodDetail>, ProblemHttpResult, ValidationProblem>> SubmitPeriodAsync(
        [RegionCode(National = true)] string regionCode, [Id] string campaignId, [Period] string period, [Body] ApprovalNote request,
        RegionDirectory regions, CampaignDirectory campaigns, PeriodApprovalTable approvals, IGrainFactory grains, ApiKeyStore keys,
        TimeProvider clock, HttpContext context, CancellationToken cancellationToken) =>
        StepAsync(regionCode, campaignId, period, (_, _) => ApprovalAccess.CanSubmit(context.User, regionCode),
            (grain, actor) => grain.SubmitAsync(actor, request.Reason), regions, campaigns, approvals, grains, keys, clock, context, cancellationToken);

    public static Task<Results<Ok<PeriodDetail>, ProblemHttpResult, ValidationProblem>> ApprovePeriodAsync(
        [RegionCode(National = true)] string regionCode, [Id] string campaignId, [Period] string period, [Body] ApprovalNote request,
        RegionDirectory regions, CampaignDirectory campaigns, PeriodApprovalTable approvals, IGrainFactory grains, ApiKeyStore keys,
        TimeProvider clock, HttpContext context, CancellationToken cancellationToken) =>
        StepAsync(regionCode, campaignId, period, (campaign, _) => ApprovalAccess.CanDecide(context.User, regions, campaign, regionCode),
            (grain, actor) => grain.ApproveAsync(actor, request.Reason), regions, campaigns, approvals, grains, keys, clock, context, cancellationToken);

    public static Task<Results<Ok<PeriodDetail>, ProblemHttpResult, ValidationProblem>> ReturnPeriodAsync(
        [RegionCode(National = true)] string regionCode, [Id] string campaignId, [Period] string period, [Body] ApprovalReason request,
        RegionDirectory regions, CampaignDirectory campaigns, PeriodApprovalTable approvals, IGrainFactory grains, ApiKeyStore keys,
        TimeProvider clock, HttpContext context, CancellationToken cancellationToken) =>
        StepAsync(regionCode, campaignId, period, (campaign, _) => ApprovalAccess.CanDecide(context.User, regions, campaign, regionCode),
            (grain, actor) => grain.ReturnAsync(actor, request.Reason!), regions, campaigns, approvals, grains, keys, clock, context, cancellationToken);

    public static Task<Results<Ok<PeriodDetail>, ProblemHttpResult, ValidationProblem>> ReopenPeriodAsync(
        [RegionCode(National = true)] string regionCode, [Id] string campaignId, [Period] string period, [Body] ApprovalReason request,
        RegionDirectory regions, CampaignDirectory campaigns, PeriodApprovalTable approvals, IGrainFactory grains, ApiKeyStore keys,
        TimeProvider clock, HttpContext context, CancellationToken cancellationToken) =>
        StepAsync(regionCode, campaignId, period, (campaign, _) => ApprovalAccess.CanDecide(context.User, regions, campaign, regionCode),
            (grain, actor) => grain.ReopenAsync(actor, request.Reason!), regions, campaigns, approvals, grains, keys, clock, context, cancellationToken);

    /// <summary>
    /// One step: the region exists (404), the campaign, period and region fit (400), the key may take the step (403), then
    /// the period's grain takes it (409 when the period is not in the state the step starts from).
    /// </summary>
    private static async Task<Results<Ok<PeriodDetail>, ProblemHttpResult, ValidationProblem>> StepAsync(string regionCode, string campaignId,
        string period, Func<Campaign, string, bool> allowed, Func<IPeriodApprovalGrain, ApprovalActor, Task<PeriodApproval>> step,
        RegionDirectory regions, CampaignDirectory campaigns, PeriodApprovalTable approvals, IGrainFactory grains, ApiKeyStore keys,
        TimeProvider clock, HttpContext context, CancellationToken cancellationToken)
    {
        if (regions.Find(regionCode) is null) return UnknownRegion(regionCode);
        var campaign = (await campaigns.GetAsync(campaignId))?.Value;
        if (ReportingPeriodProblem(campaign, campaignId, regions, regionCode, period, clock, submitter: true) is { } invalid) return invalid;
        if (!allowed(campaign!, regionCode)) return Access.Refused();

        var holder = KeyHolder.From(context.User);
        var label = holder is null ? null : (await keys.FindAsync(holder.KeyId))?.Label;
        var approval = await step(grains.GetGrain<IPeriodApprovalGrain>(GrainKey(regionCode, campaignId, period)),
            new ApprovalActor(Caller.Actor(context), label));
        return TypedResults.Ok(await DetailAsync(regions, approvals, campaign!, regionCode, period, approval, cancellationToken));
    }

    /// <summary>The period's checks (<see cref="PeriodChecks"/>) as a 400 naming the field; null when it fits.</summary>
    public static ValidationProblem? ReportingPeriodProblem(Campaign? campaign, string campaignId, RegionDirectory regions, string regionCode, string period,
        TimeProvider clock, bool submitter)
    {
        try
        {
            PeriodChecks.Check(campaign, campaignId, regions, regionCode, period, clock.Today(), submitter);
            return null;
        }
        catch (FieldValidationException e)
        {
            return FieldChecks.Invalid(e.Field, e.Reason);
        }
    }

    private static async Task<PeriodDetail> DetailAsync(RegionDirectory regions, PeriodApprovalTable approvals, Campaign campaign,
        string regionCode, string periodId, PeriodApproval? approval, CancellationToken cancellationToken)
    {
        var region = regions.Find(regionCode)!;
        ReportingPeriod.TryParse(periodId, out var period);
        var path = campaign.Path;
        var (inside, rows) = await InsideAsync(regions, approvals, campaign, regionCode, periodId, cancellationToken);

        var approvees = ApprovalLevels.Approvees(regions, path, regionCode).Select(code =>
        {
            var row = rows.GetValueOrDefault(code);
            return new ApproveeState(code, regions.Find(code)!.Name, StateOf(rows, code).Name(), row?.UpdatedAt,
                row is null ? null : KeyRef.Of(row.UpdatedBy, row.Label), row?.Submitted is { } figures ? TotalsDto.From(figures.ToTotals()) : null);
        }).ToList();
        var children = ChildStates(regions, path, regionCode, inside, rows);

        var approver = ApprovalLevels.ApproverOf(regions, path, regionCode);
        return new PeriodDetail(region.Code, region.Name, LevelName(region), campaign.Id, periodId, period.Start, period.End,
            approval is not null, approval?.State.Name(), approval?.Locked ?? false, approval?.Locking ?? false, approver,
            approver is null ? null : regions.Find(approver)?.Name, approval?.Submitted is { } submitted ? TotalsDto.From(submitted.ToTotals()) : null,
            [.. (approval?.History ?? []).Select(ApprovalStep.From)], approvees, children);
    }

    /// <summary>
    /// For one period, each child of the region with its own sign-off state (when it submits) and the states of the
    /// regions inside it that submit: the dashboard's 审核状态 column and the child-regions report's.
    /// </summary>
    public static async Task<IReadOnlyList<ChildState>> ChildStatesAsync(RegionDirectory regions, PeriodApprovalTable approvals,
        Campaign campaign, string regionCode, string periodId, CancellationToken cancellationToken)
    {
        var (inside, rows) = await InsideAsync(regions, approvals, campaign, regionCode, periodId, cancellationToken);
        return ChildStates(regions, campaign.Path, regionCode, inside, rows);
    }

    /// <summary>The regions inside <paramref name="regionCode"/> that submit, and their rows of the period (one read).</summary>
    private static async Task<(List<string> Inside, Dictionary<string, PeriodRow> Rows)> InsideAsync(RegionDirectory regions,
        PeriodApprovalTable approvals, Campaign campaign, string regionCode, string periodId, CancellationToken cancellationToken)
    {
        var inside = ApprovalLevels.Submitters(regions, campaign.Path, regionCode).Where(c => c != regionCode).ToList();
        return (inside, (await approvals.ReadAsync(campaign.Id, periodId, inside, cancellationToken)).ToDictionary(r => r.RegionCode));
    }

    private static List<ChildState> ChildStates(RegionDirectory regions, IReadOnlyList<string> path, string regionCode, List<string> inside,
        Dictionary<string, PeriodRow> rows)
    {
        var byChild = inside.ToLookup(code => regions.NodeIn(code, regionCode)!);
        return [.. regions.Children(regionCode).Select(child => new ChildState(child.Code, child.Name,
            ApprovalLevels.Submits(regions, path, child.Code) ? StateOf(rows, child.Code).Name() : null,
            StateCounts.Of(byChild[child.Code].Where(c => c != child.Code).Select(code => StateOf(rows, code)))))];
    }

    private static PeriodState StateOf(Dictionary<string, PeriodRow> rows, string code) => rows.GetValueOrDefault(code)?.State ?? PeriodState.Open;

    public static string GrainKey(string regionCode, string campaignId, string period) => $"{regionCode}/{campaignId}/{period}";

    private static string LevelName(Region region) => region.Level.ToString().ToLowerInvariant();

    private static ProblemHttpResult UnknownRegion(string code) =>
        ApiProblems.Problem(StatusCodes.Status404NotFound, new(MessageKeys.NoRegion, code));
}

/// <summary>One campaign, required.</summary>
[ValidatableType]
public sealed record RequiredCampaignQuery([property: Required, Id] string? campaignId);
