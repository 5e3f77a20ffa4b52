using System.Collections.Concurrent;
using Grassroots.Domain.Caching;
using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Model;
using Grassroots.Domain.Regions;

namespace Grassroots.Domain.SignOff;

/// <summary>
/// The periods locked for sign-off, as this silo knows them, and the writes this silo has let through (docs/sign-off.md).
/// Every write of a record asks here in the turn that hands its unit to the committer (a record grain; an import per
/// chunk): a record is locked when the month or the ISO week its day falls in is submitted or approved for its county or
/// any region above it. What is locked is kept per (campaign, period), read from the period_approvals table once
/// per silo, and forgotten across the cluster when a period's state changes — no database read per write.
/// <para>
/// Why a write racing a submission is either in the submission's figures or refused, never both: a writer registers
/// itself here (<see cref="Admission"/>) before it looks at the locks, and stays registered until its commit has
/// returned. A submission writes its row first, then has every silo <see cref="CloseAsync">close</see> the
/// period: forget it, then wait for every writer registered at that moment. A writer registered later reads the locks
/// after the forget, so from the row as the submission wrote it, and is refused; one registered earlier has
/// committed when the close returns, so the figures taken after it include it. (A load begun before a forget is never
/// stored over it: see <see cref="SiloCache{T}"/>.)
/// </para>
/// </summary>
public sealed class PeriodLocks(PeriodApprovalTable approvals, RegionDirectory regions, TimeProvider clock) : ISiloCache
{
    public const string CacheKind = "period-lock";

    private readonly SiloCache<Locked> _cache = new(CacheKind, clock);
    private readonly ConcurrentDictionary<long, TaskCompletionSource> _writing = new();
    private long _next;

    public string Kind => CacheKind;

    public static string KeyOf(string campaignId, string period) => $"{campaignId}/{period}";

    /// <summary>
    /// Lets a write through when none of the places it touches (before and after a change; nulls ignored) is locked;
    /// throws <see cref="PeriodLockedException"/> otherwise. Dispose the admission once the commit has returned.
    /// </summary>
    public async Task<Admission> AdmitAsync(IEnumerable<Placement?> placements)
    {
        var admission = Enter();
        try
        {
            foreach (var placement in placements)
                if (placement is not null && await FindAsync(placement) is { } found) throw found.Refusal();
            return admission;
        }
        catch
        {
            admission.Dispose();
            throw;
        }
    }

    /// <summary>As <see cref="AdmitAsync"/> for a chunk of new records: the lock of each (null where none); the admission covers them all.</summary>
    public async Task<(Admission Admission, IReadOnlyList<PeriodLock?> Locks)> AdmitEachAsync(IReadOnlyList<Placement> placements)
    {
        var admission = Enter();
        try
        {
            // A chunk's records fall on few days: the locks of each day's month and week are looked up once.
            var days = new Dictionary<(string CampaignId, DateOnly Day), DayLocks>();
            var locks = new PeriodLock?[placements.Count];
            for (var i = 0; i < placements.Count; i++)
            {
                var placement = placements[i];
                if (!days.TryGetValue((placement.CampaignId, placement.Day), out var day))
                    days[(placement.CampaignId, placement.Day)] = day = await DayLocksAsync(placement.CampaignId, placement.Day);
                locks[i] = day.Find(placement, regions);
            }
            return (admission, locks);
        }
        catch
        {
            admission.Dispose();
            throw;
        }
    }

    /// <summary>The lock a record placed here would meet, or null: its county or a region above it, in its month or week.</summary>
    public async Task<PeriodLock?> FindAsync(Placement placement) =>
        (await DayLocksAsync(placement.CampaignId, placement.Day)).Find(placement, regions);

    /// <summary>What is locked in the month and the week a day of a campaign falls in.</summary>
    private async ValueTask<DayLocks> DayLocksAsync(string campaignId, DateOnly day)
    {
        var (month, week) = ReportingPeriod.Containing(day);
        var (monthId, weekId) = (month.Id, week.Id);
        return new DayLocks(campaignId, monthId, await LockedAsync(campaignId, monthId), weekId, await LockedAsync(campaignId, weekId));
    }

    /// <summary>From memory with no task or closure when held, as nearly every write finds it.</summary>
    private ValueTask<Locked> LockedAsync(string campaignId, string period)
    {
        var key = KeyOf(campaignId, period);
        return _cache.TryGet(key, out var held) && held is not null ? new(held) : new(LoadOnceAsync(key, campaignId, period));
    }

    private async Task<Locked> LoadOnceAsync(string key, string campaignId, string period) =>
        (await _cache.GetAsync(key, () => LoadAsync(campaignId, period)))!;

    private readonly record struct DayLocks(string CampaignId, string MonthId, Locked Month, string WeekId, Locked Week)
    {
        public PeriodLock? Find(Placement placement, RegionDirectory regions) =>
            Find(placement, regions, MonthId, Month) ?? Find(placement, regions, WeekId, Week);

        private PeriodLock? Find(Placement placement, RegionDirectory regions, string period, Locked locked)
        {
            if (locked.Regions.Count == 0) return null;
            var chain = regions.Chain(placement.RegionCode);
            for (var i = 0; i < chain.Count; i++) // indexed: a foreach over the interface would allocate its enumerator
                if (locked.Regions.TryGetValue(chain[i], out var state)) return new PeriodLock(CampaignId, period, chain[i], state);
            return null;
        }
    }

    public void Forget(string id) => _cache.Forget(id);

    /// <summary>
    /// Makes this silo refuse writes to the period from now on (its copy is forgotten; the next write reads what the
    /// submission stored) and waits until every write let through before has committed or failed.
    /// </summary>
    public Task CloseAsync(string campaignId, string period)
    {
        _cache.Forget(KeyOf(campaignId, period));
        // The forget's store, then the read of who is writing; a writer registers, then reads the locks (Enter).
        Interlocked.MemoryBarrier();
        return Task.WhenAll(_writing.Values.Select(w => w.Task));
    }

    private Admission Enter()
    {
        var id = Interlocked.Increment(ref _next);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _writing[id] = done;
        Interlocked.MemoryBarrier();
        return new Admission(this, id, done);
    }

    private async Task<Locked?> LoadAsync(string campaignId, string period) => new Locked(await approvals.LockedRegionsAsync(campaignId, period));

    private sealed record Locked(IReadOnlyDictionary<string, PeriodState> Regions);

    /// <summary>A write let through: registered until disposed, which the committed (or failed) write does.</summary>
    public sealed class Admission(PeriodLocks owner, long id, TaskCompletionSource done) : IDisposable
    {
        public void Dispose()
        {
            if (owner._writing.TryRemove(id, out _)) done.TrySetResult();
        }
    }
}

/// <summary>The lock a write met: the period of the campaign, the region it is locked for, and that region's state.</summary>
public sealed record PeriodLock(string CampaignId, string Period, string RegionCode, PeriodState State)
{
    public PeriodLockedException Refusal() => new(CampaignId, Period, RegionCode, State);
}
