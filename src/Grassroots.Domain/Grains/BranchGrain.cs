using System.Data.Common;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Records;
using Grassroots.Domain.Regions;
using Grassroots.Domain.Rollups;
using Grassroots.Runtime.Persistence;
using Grassroots.Storage;

namespace Grassroots.Domain.Grains;

/// <summary>
/// A branch's profile, and the single writer of its records: for each campaign it knows every date on which
/// it has a non-voided record, so it can tell exactly when the earliest one moves and shift the active-branch
/// count from the old day to the new one in the same unit as the record itself.
/// </summary>
public sealed class BranchGrain(Database database, GroupCommitter committer, TimeProvider clock, RegionDirectory regions, RollupDeltas rollups)
    : ProfileGrain<BranchProfile>(database, committer, clock), IBranchGrain
{
    private readonly Dictionary<string, CampaignActivity> _activity = [];

    protected override Table Table => Tables.Branches;
    protected override string Entity => "branch";

    protected override object?[] Columns(BranchProfile b) => [b.Name, b.RegionCode, b.Sector, b.MemberCount, b.Kind];

    protected override BranchProfile Read(DbDataReader r) => new(r.GetString(1), r.GetString(2), r.Text(3), r.Int(4), r.Text(5));

    protected override Task CheckAsync(BranchProfile value) => regions.IsLeaf(value.RegionCode)
        ? Task.CompletedTask
        : throw new FieldValidationException("regionCode", $"'{value.RegionCode}' is not a county-level region code.");

    /// <summary>A new branch counts as registered in its county and above; a move shifts that count.</summary>
    protected override IEnumerable<RowWrite> ExtraWrites(Versioned<BranchProfile>? before, Versioned<BranchProfile> after)
    {
        if (before?.Value.RegionCode == after.Value.RegionCode) return [];
        var writes = rollups.Registered(after.Value.RegionCode, +1);
        return before is null ? writes : writes.Concat(rollups.Registered(before.Value.RegionCode, -1));
    }

    public async Task CommitRecordChangeAsync(RecordChange change)
    {
        var campaigns = new[] { change.Before?.CampaignId, change.After?.CampaignId }.OfType<string>().Distinct().ToList();
        var writes = new List<RowWrite>(change.Writes);
        var updated = new Dictionary<string, SortedDictionary<(DateOnly, string), int>>();
        foreach (var campaign in campaigns)
        {
            var activity = await ActivityAsync(campaign).ConfigureAwait(false);
            var counts = new SortedDictionary<(DateOnly, string), int>(activity.Counts);
            if (change.Before is { } b && b.CampaignId == campaign) Adjust(counts, (b.Day, b.RegionCode), -1);
            if (change.After is { } a && a.CampaignId == campaign) Adjust(counts, (a.Day, a.RegionCode), +1);
            var was = activity.Earliest(campaign);
            var now = Earliest(counts, campaign);
            // Always written, so a change made by another process to this branch's records shows up as a version conflict.
            writes.Add(new VersionedPut(Tables.BranchActivity, [GrainKey, campaign], [now?.Day, now?.RegionCode], activity.Version));
            if (was != now)
            {
                if (was is not null) writes.AddRange(rollups.Active(was, -1));
                if (now is not null) writes.AddRange(rollups.Active(now, +1));
            }
            updated[campaign] = counts;
        }
        try
        {
            await Committer.CommitAsync(new WriteUnit(writes)).ConfigureAwait(false);
        }
        catch (Exception error) when (error is InconsistentStateException or StorageUnavailableException)
        {
            foreach (var campaign in campaigns) _activity.Remove(campaign);
            throw;
        }
        foreach (var (campaign, counts) in updated) _activity[campaign] = new CampaignActivity(counts, _activity[campaign].Version + 1);
    }

    public async Task<Totals> GetTotalsAsync(string? campaignId, DateOnly? from, DateOnly? to)
    {
        var sum = new long[Totals.Count];
        var active = false;
        var asOf = to ?? Clock.Today();
        async Task AddAsync<T>(RecordKind<T> kind) where T : class
        {
            var t = kind.Table;
            var records = await Database.QueryAsync(
                $"SELECT {t.ColumnList}, version FROM {t.Name} WHERE branch_id = $1 AND NOT voided",
                [GrainKey], kind.Read).ConfigureAwait(false);
            foreach (var record in records.Where(r => campaignId is null || kind.CampaignOf(r.Data) == campaignId))
            {
                var day = kind.DayOf(record.Data);
                if (day <= asOf) active = true;
                if ((from is not null && day < from) || (to is not null && day > to)) continue;
                var figures = kind.Figures(record.Data);
                for (var i = 0; i < sum.Length; i++) sum[i] += figures[i];
            }
        }
        await AddAsync(StudySessionKind.Instance).ConfigureAwait(false);
        await AddAsync(HonoreeTalkKind.Instance).ConfigureAwait(false);
        await AddAsync(PublicityItemKind.Instance).ConfigureAwait(false);
        sum[Totals.ActiveBranchesAt] = active ? 1 : 0;
        sum[Totals.RegisteredBranchesAt] = Current is null ? 0 : 1;
        return Totals.From(sum);
    }

    private async Task<CampaignActivity> ActivityAsync(string campaign)
    {
        if (_activity.TryGetValue(campaign, out var known)) return known;
        // Version first, then the records: a change committed in between makes our version stale, so our next commit conflicts.
        var version = (await Database.QueryAsync("SELECT version FROM branch_activity WHERE branch_id = $1 AND campaign_id = $2",
            [GrainKey, campaign], r => r.Long(0)).ConfigureAwait(false)).FirstOrDefault();
        var days = await Database.QueryAsync(
            "SELECT held_on, region_code FROM study_sessions WHERE branch_id = $1 AND campaign_id = $2 AND NOT voided " +
            "UNION ALL SELECT held_on, region_code FROM honoree_talks WHERE branch_id = $1 AND campaign_id = $2 AND NOT voided " +
            "UNION ALL SELECT published_on, region_code FROM publicity_items WHERE branch_id = $1 AND campaign_id = $2 AND NOT voided",
            [GrainKey, campaign], r => (r.Date(0), r.GetString(1))).ConfigureAwait(false);
        var counts = new SortedDictionary<(DateOnly, string), int>();
        foreach (var day in days) Adjust(counts, day, +1);
        return _activity[campaign] = new CampaignActivity(counts, version);
    }

    private static void Adjust(SortedDictionary<(DateOnly, string), int> counts, (DateOnly, string) key, int delta)
    {
        var n = counts.GetValueOrDefault(key) + delta;
        if (n == 0) counts.Remove(key);
        else counts[key] = n;
    }

    private static Placement? Earliest(SortedDictionary<(DateOnly, string), int> counts, string campaign) =>
        counts.Count == 0 ? null : new Placement(campaign, counts.Keys.First().Item1, counts.Keys.First().Item2);

    private sealed record CampaignActivity(SortedDictionary<(DateOnly, string), int> Counts, long Version)
    {
        public Placement? Earliest(string campaign) => BranchGrain.Earliest(Counts, campaign);
    }
}
