using Grassroots.Domain.Approvals;
using Grassroots.Domain.Caching;
using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Regions;
using Grassroots.Domain.Rollups;

namespace Grassroots.Domain.Grains;

/// <summary>
/// One region's reporting period of one campaign and its sign-off, as this grain's own Orleans state (docs/sign-off.md: it
/// belongs to one grain and to no rollup). After each change the grain writes the period_approvals projection, with the
/// step's change-log entry, which every silo's lock cache reads. A submission locks before it counts: it writes the
/// lock, has every silo close the period (<see cref="PeriodLocks"/>), loads the region's rollup figures again from the
/// database and only then takes them — so they hold every write acknowledged before the lock and nothing after it.
/// A step that finds its outcome already there (a retry) answers the period as it stands.
/// </summary>
[GrainType(Constants.GrainTypes.PeriodApproval)]
public sealed class PeriodApprovalGrain(
    [PersistentState(Constants.StateNames.PeriodApproval, Constants.GrainStorage)] IPersistentState<PeriodApprovalState> state,
    PeriodApprovalProjection projection, PeriodLockBroadcast locks, SiloCaches caches, CampaignDirectory campaigns, RegionDirectory regions,
    RollupReplica rollups, TimeProvider clock) : Grain, IPeriodApprovalGrain
{
    private bool _projected; // the projection holds the stored state (unknown after activation or a failed write)

    private string[] Parts => this.GetPrimaryKeyString().Split('/');
    private string RegionCode => Parts[0];
    private string CampaignId => Parts[1];
    private string Period => Parts[2];

    private PeriodApprovalState S => state.State;

    public Task<PeriodApproval> GetAsync() => Task.FromResult(View);

    public async Task<PeriodApproval> SubmitAsync(ApprovalActor actor, string? reason)
    {
        var period = await CheckAsync();
        await CatchUpAsync();
        if (S.State == PeriodState.Submitted)
        {
            if (S.Pending is not null) await FinishSubmissionAsync(period);
            return View;
        }
        if (S.State is not (PeriodState.Open or PeriodState.Returned)) throw Conflict(MessageKeys.CannotSubmit);
        // The lock first, stored, so that a silo reading the locks from now on finds it; the figures once it holds everywhere.
        await SaveAsync(s =>
        {
            s.State = PeriodState.Submitted;
            s.Pending = new ApprovalTransition(ApprovalActions.Submit, PeriodState.Submitted, actor.Actor, actor.Label, clock.Now(), reason, null);
        });
        await FinishSubmissionAsync(period);
        return View;
    }

    public Task<PeriodApproval> ApproveAsync(ApprovalActor actor, string? reason) =>
        DecideAsync(ApprovalActions.Approve, PeriodState.Submitted, PeriodState.Approved, actor, reason);

    public Task<PeriodApproval> ReturnAsync(ApprovalActor actor, string reason) =>
        DecideAsync(ApprovalActions.Return, PeriodState.Submitted, PeriodState.Returned, actor, reason);

    public Task<PeriodApproval> ReopenAsync(ApprovalActor actor, string reason) =>
        DecideAsync(ApprovalActions.Reopen, PeriodState.Approved, PeriodState.Open, actor, reason);

    private async Task<PeriodApproval> DecideAsync(string action, PeriodState from, PeriodState to, ApprovalActor actor, string? reason)
    {
        var period = await CheckAsync();
        await CatchUpAsync();
        if (S.Pending is not null) await FinishSubmissionAsync(period);
        if (S.State == to && S.History.LastOrDefault()?.Action == action) return View;
        if (S.State != from)
            throw Conflict(action switch { ApprovalActions.Approve => MessageKeys.CannotApprove, ApprovalActions.Return => MessageKeys.CannotReturn, _ => MessageKeys.CannotReopen });
        var figures = await FiguresAsync(period, reload: false);
        var step = new ApprovalTransition(action, to, actor.Actor, actor.Label, clock.Now(), reason, figures);
        await SaveAsync(s =>
        {
            s.State = to;
            s.History.Add(step);
        });
        await ProjectAsync(logLast: true);
        // An approval keeps the lock (each silo's copy then names the new state); a return or re-opening lifts it.
        await caches.ForgetEverywhereAsync(PeriodLocks.CacheKind, PeriodLocks.KeyOf(CampaignId, Period));
        return View;
    }

    /// <summary>
    /// The lock is stored; makes it hold on every silo, waits for the writes let through before it, and records the
    /// submission with the figures the region's rollup grain holds once it has loaded them again from the database.
    /// </summary>
    private async Task FinishSubmissionAsync(ReportingPeriod period)
    {
        await ProjectAsync(logLast: false);
        await locks.CloseEverywhereAsync(CampaignId, Period);
        var figures = await FiguresAsync(period, reload: true);
        await SaveAsync(s =>
        {
            s.History.Add(s.Pending! with { Figures = figures });
            s.Pending = null;
        });
        await ProjectAsync(logLast: true);
    }

    private async Task<SignedFigures> FiguresAsync(ReportingPeriod period, bool reload)
    {
        // Loading this silo's figures of the region again reads county_days afresh, with every write committed by now.
        if (reload) await rollups.ReloadAsync(RegionCode);
        return SignedFigures.From(await rollups.GetTotalsAsync(RegionCode, CampaignId, period.Start, period.End));
    }

    private async Task<ReportingPeriod> CheckAsync()
    {
        if (regions.Find(RegionCode) is null) throw new NotFoundException(new Message(MessageKeys.NoRegion, RegionCode));
        var campaign = (await campaigns.GetAsync(CampaignId))?.Value;
        return PeriodChecks.Check(campaign, CampaignId, regions, RegionCode, Period, clock.Today());
    }

    /// <summary>A projection a failed write left behind is written before anything else happens.</summary>
    private async Task CatchUpAsync()
    {
        if (_projected || S.Version == 0) return;
        await ProjectAsync(logLast: S.Pending is null);
    }

    private async Task ProjectAsync(bool logLast)
    {
        _projected = false;
        var last = S.History.LastOrDefault();
        await projection.WriteAsync(View, S.Pending?.Actor ?? last?.Actor ?? "", logLast ? last : null).Translated();
        _projected = true;
    }

    private async Task SaveAsync(Action<PeriodApprovalState> change)
    {
        var previous = state.State.Copy();
        change(state.State);
        state.State.Version++;
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception error)
        {
            state.State = previous;
            DeactivateOnIdle(); // the next call reads what is stored, not what we hoped to store
            throw DomainErrors.Translate(error);
        }
    }

    /// <summary>Why the period cannot take this step from the state it is in (a key of MessageKeys' Cannot… keys).</summary>
    private StateConflictException Conflict(string cannot) => new(new Message(cannot, Period, RegionCode, CampaignId, S.State.Said()));

    private PeriodApproval View => new(RegionCode, CampaignId, Period, S.State, S.Pending is not null, S.Version, [.. S.History]);
}

/// <summary>The stored state of a period's sign-off; open, with no history, until first submitted.</summary>
[GenerateSerializer, Alias("period-approval-state")]
public sealed class PeriodApprovalState
{
    [Id(0)]
    public PeriodState State { get; set; } = PeriodState.Open;

    /// <summary>A submission whose lock is stored but not yet confirmed by every silo; its figures are not taken yet.</summary>
    [Id(1)]
    public ApprovalTransition? Pending { get; set; }

    [Id(2)]
    public List<ApprovalTransition> History { get; set; } = [];

    [Id(3)]
    public long Version { get; set; }

    public PeriodApprovalState Copy() => new() { State = State, Pending = Pending, History = [.. History], Version = Version };
}
