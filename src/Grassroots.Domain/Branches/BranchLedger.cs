using Grassroots.Domain.Model;
using Grassroots.Domain.Records;

namespace Grassroots.Domain.Branches;

/// <summary>
/// What a branch grain knows of its records, in memory: which records exist, and per campaign the days and counties of
/// its non-voided records (its activity: the earliest of them makes the branch active) and the figures per day.
/// Activity includes changes still being committed, so the next change is decided against them; figures only
/// committed ones, so a read never shows what may yet fail.
/// </summary>
public sealed class BranchLedger
{
    private readonly HashSet<string> _records = [];
    private readonly Dictionary<string, CampaignActivity> _activity = [];
    private readonly Dictionary<string, SortedDictionary<DateOnly, long[]>> _figures = [];

    /// <summary>A record of the branch as read from its table: enough to rebuild the ledger.</summary>
    public sealed record StoredRecord(RecordKind Kind, string RecordId, string CampaignId, DateOnly Day, string RegionCode, bool Voided, long[] Figures);

    public static BranchLedger Rebuild(IEnumerable<(string CampaignId, long Version)> activityVersions, IEnumerable<StoredRecord> records)
    {
        var ledger = new BranchLedger();
        foreach (var (campaign, version) in activityVersions) ledger.ActivityOf(campaign).Version = version;
        foreach (var r in records)
        {
            ledger._records.Add(KeyOf(r.Kind, r.RecordId));
            if (r.Voided) continue;
            ledger.ActivityOf(r.CampaignId).Adjust(r.Day, r.RegionCode, +1);
            ledger.AddFigures(r.CampaignId, r.Day, r.Figures, +1);
        }
        return ledger;
    }

    public bool Has(RecordKind kind, string recordId) => _records.Contains(KeyOf(kind, recordId));

    /// <summary>
    /// Takes the change into the activity of each campaign it touches and says, per campaign, the version the
    /// branch_activity row must be at, the earliest placement before and after, and the row's new version.
    /// </summary>
    public IReadOnlyList<ActivityShift> Claim(Placement? before, Placement? after)
    {
        var shifts = new List<ActivityShift>(2);
        foreach (var campaign in new[] { before?.CampaignId, after?.CampaignId }.OfType<string>().Distinct())
        {
            var activity = ActivityOf(campaign);
            var was = activity.Earliest(campaign);
            if (before?.CampaignId == campaign) activity.Adjust(before.Day, before.RegionCode, -1);
            if (after?.CampaignId == campaign) activity.Adjust(after.Day, after.RegionCode, +1);
            shifts.Add(new ActivityShift(campaign, activity.Version, was, activity.Earliest(campaign)));
            activity.Version++;
        }
        return shifts;
    }

    /// <summary>
    /// Takes many new records into the activity at once (an import): per campaign, one shift from the earliest placement
    /// before them all to the earliest after, at one expected version, so that their unit writes each activity row once.
    /// </summary>
    public IReadOnlyList<ActivityShift> ClaimAll(IEnumerable<Placement> added)
    {
        var shifts = new List<ActivityShift>();
        foreach (var campaign in added.GroupBy(p => p.CampaignId))
        {
            var activity = ActivityOf(campaign.Key);
            var was = activity.Earliest(campaign.Key);
            foreach (var placement in campaign) activity.Adjust(placement.Day, placement.RegionCode, +1);
            shifts.Add(new ActivityShift(campaign.Key, activity.Version, was, activity.Earliest(campaign.Key)));
            activity.Version++;
        }
        return shifts;
    }

    /// <summary>Records a committed change: the record exists, and its figures move from before to after.</summary>
    public void Settle(RecordKind kind, LoggedRecord? before, LoggedRecord after)
    {
        _records.Add(KeyOf(kind, after.RecordId));
        if (before is { Voided: false }) AddFigures(before.Data.CampaignId, before.Data.Day, kind.Figures(before.Data), -1);
        if (!after.Voided) AddFigures(after.Data.CampaignId, after.Data.Day, kind.Figures(after.Data), +1);
    }

    /// <summary>
    /// The branch's figures over records dated from..to (of one campaign, or all); it is active when it has a
    /// non-voided record dated on or before <paramref name="asOf"/>.
    /// </summary>
    public long[] Sum(string? campaignId, DateOnly? from, DateOnly? to, DateOnly asOf)
    {
        var sum = new long[Totals.Count];
        foreach (var (campaign, days) in _figures)
        {
            if (campaignId is not null && campaign != campaignId) continue;
            foreach (var (day, figures) in days)
            {
                if ((from is not null && day < from) || (to is not null && day > to)) continue;
                Totals.Add(sum, figures);
            }
        }
        var active = _activity.Where(a => campaignId is null || a.Key == campaignId)
            .Any(a => a.Value.Earliest(a.Key) is { } first && first.Day <= asOf);
        sum[Totals.ActiveBranchesAt] = active ? 1 : 0;
        return sum;
    }

    private CampaignActivity ActivityOf(string campaign)
    {
        if (!_activity.TryGetValue(campaign, out var activity)) _activity[campaign] = activity = new CampaignActivity();
        return activity;
    }

    private void AddFigures(string campaign, DateOnly day, long[] figures, int sign)
    {
        if (!_figures.TryGetValue(campaign, out var days)) _figures[campaign] = days = [];
        if (!days.TryGetValue(day, out var sum)) days[day] = sum = new long[Totals.Count];
        for (var i = 0; i < sum.Length; i++) sum[i] += sign * figures[i];
        if (sum.All(v => v == 0)) days.Remove(day);
    }

    private static string KeyOf(RecordKind kind, string recordId) => $"{kind.Name}/{recordId}";

    /// <summary>A campaign's non-voided records of the branch as counts per (day, county), and its branch_activity row version.</summary>
    private sealed class CampaignActivity
    {
        private static readonly Comparer<(DateOnly Day, string Region)> ByDayThenCounty = Comparer<(DateOnly Day, string Region)>.Create(
            (a, b) => a.Day != b.Day ? a.Day.CompareTo(b.Day) : string.CompareOrdinal(a.Region, b.Region));

        private readonly SortedDictionary<(DateOnly Day, string Region), int> _counts = new(ByDayThenCounty);

        public long Version { get; set; }

        public void Adjust(DateOnly day, string region, int delta)
        {
            var n = _counts.GetValueOrDefault((day, region)) + delta;
            if (n == 0) _counts.Remove((day, region));
            else _counts[(day, region)] = n;
        }

        public Placement? Earliest(string campaign)
        {
            if (_counts.Count == 0) return null;
            var (day, region) = _counts.Keys.First();
            return new Placement(campaign, day, region);
        }
    }
}

/// <summary>
/// How one change moves a campaign's activity: the version the branch_activity row must be at for the change to
/// hold, and the branch's earliest non-voided record before and after (null: none).
/// </summary>
public sealed record ActivityShift(string CampaignId, long ExpectedVersion, Placement? Was, Placement? Now);
