using Grassroots.Domain.Caching;
using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Regions;
using Grassroots.Domain.Rollups;

namespace Grassroots.Domain.SignOff;

/// <summary>
/// One region's reporting period of one campaign and its sign-off (docs/sign-off.md). Its one stored copy is its row of
/// period_approvals, which every silo's lock cache reads: the grain loads the row on activation and writes it, with the
/// step's change-log entry, in one transaction. A submission locks before it counts: it writes the lock (the row, with
/// the submission pending), has every silo close the period (<see cref="PeriodLocks"/>), loads the region's rollup
/// figures again from the database and only then takes them — so they hold every write acknowledged before the lock and
/// nothing after it. A submission found pending (the grain failed or its silo died between those steps) is finished by
/// the next call. A step that finds its outcome already there (a retry) answers the period as it stands.
/// </summary>
[GrainType(Constants.GrainTypes.PeriodApproval)]
public sealed class PeriodApprovalGrain(
    PeriodApprovalTable table, LegacyGrainState legacy, PeriodLockBroadcast locks, SiloCaches caches, UpgradeWindow upgrade, CampaignDirectory campaigns,
    RegionDirectory regions, RollupReplica rollups, TimeProvider clock) : Grain, IPeriodApprovalGrain
{
    private PeriodApprovalState _period = new();

    private string[] Parts => this.GetPrimaryKeyString().Split('/');
    private string RegionCode => Parts[0];
    private string CampaignId => Parts[1];
    private string Period => Parts[2];

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (await table.LoadAsync(RegionCode, CampaignId, Period, cancellationToken) is not { } row) return;
        _period = new PeriodApprovalState { State = row.State, Version = row.Version, History = row.History, Pending = row.Pending };
        if (row.Whole) return;
        // A release before migration 0013 wrote the row last and kept the history in its grain state, which it always
        // wrote before the row: that state, moved into the row at its own version, is never read again. A step whose row
        // that release failed to write is logged now, as that release would have on its next call.
        if (await legacy.ReadAsync<PeriodApprovalState>(Constants.StateNames.PeriodApproval, this.GetGrainId()) is not { } stored
            || stored.Version < row.Version)
            return;
        _period = stored;
        var missed = S.Version > row.Version && S.Pending is null ? S.History.LastOrDefault() : null;
        await table.WriteAsync(View, S.Pending, row.Version, missed);
    }

    public Task<PeriodApproval> GetAsync() => Task.FromResult(View);

    public async Task<PeriodApproval> SubmitAsync(ApprovalActor actor, string? reason)
    {
        var period = await CheckAsync();
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
        }, log: null);
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
        }, log: step);
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
        await locks.CloseEverywhereAsync(CampaignId, Period);
        var figures = await FiguresAsync(period, reload: true);
        var submission = S.Pending! with { Figures = figures };
        await SaveAsync(s =>
        {
            s.History.Add(submission);
            s.Pending = null;
        }, log: submission);
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

    /// <summary>Writes the period as <paramref name="change"/> leaves it at the next version, with <paramref name="log"/> in the change log.</summary>
    private async Task SaveAsync(Action<PeriodApprovalState> change, ApprovalTransition? log)
    {
        upgrade.EnsureAllSilosStoreRows(typeof(IPeriodApprovalGrain), $"A sign-off step of {this.GetPrimaryKeyString()}");
        var previous = S;
        var next = S.Copy();
        change(next);
        next.Version++;
        try
        {
            await table.WriteAsync(ViewOf(next), next.Pending, previous.Version, log);
        }
        catch (Exception error)
        {
            DeactivateOnIdle(); // the next call reads what is stored, not what we hoped to store
            throw DomainErrors.Translate(error);
        }
        _period = next;
    }

    /// <summary>Why the period cannot take this step from the state it is in (a key of MessageKeys' Cannot… keys).</summary>
    private StateConflictException Conflict(string cannot) => new(new Message(cannot, Period, RegionCode, CampaignId, S.State.Said()));

    private PeriodApprovalState S => _period;

    private PeriodApproval View => ViewOf(S);

    private PeriodApproval ViewOf(PeriodApprovalState s) => new(RegionCode, CampaignId, Period, s.State, s.Pending is not null, s.Version, [.. s.History]);
}

/// <summary>
/// A period's sign-off as the grain holds it; open, with no history, until first submitted. Also the shape in which a
/// release before migration 0013 kept it as Orleans grain state, which <see cref="LegacyGrainState"/> reads.
/// </summary>
public sealed class PeriodApprovalState
{
    public PeriodState State { get; set; } = PeriodState.Open;

    /// <summary>A submission whose lock is stored but not yet confirmed by every silo; its figures are not taken yet.</summary>
    public ApprovalTransition? Pending { get; set; }

    public List<ApprovalTransition> History { get; set; } = [];

    public long Version { get; set; }

    public PeriodApprovalState Copy() => new() { State = State, Pending = Pending, History = [.. History], Version = Version };
}
