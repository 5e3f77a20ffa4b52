using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Records;
using Grassroots.Storage;

namespace Grassroots.Domain.Reconciliation;

/// <summary>
/// The reconciler's reads: the facts recounted and the rollup tables as stored, every read of one comparison taken from
/// one snapshot of the database (<see cref="Snapshot"/>), so writes committed meanwhile never show as differences.
/// </summary>
public sealed class RecountStore(Database database)
{
    /// <summary>The table that keeps each branch's earliest record, as named in a difference.</summary>
    public static string ActivityTable => Tables.BranchActivity.Name;

    /// <summary>Runs <paramref name="work"/>'s reads against one snapshot of the database.</summary>
    public Task<T> InSnapshotAsync<T>(Func<Snapshot, Task<T>> work, CancellationToken cancellationToken) =>
        database.InSnapshotAsync(snapshot => work(new Snapshot(snapshot, cancellationToken)), cancellationToken);

    /// <summary>The facts and the rollup tables as of one snapshot (<see cref="InSnapshotAsync"/>).</summary>
    public sealed class Snapshot
    {
        private readonly Storage.Snapshot _snapshot;
        private readonly CancellationToken _cancellationToken;

        internal Snapshot(Storage.Snapshot snapshot, CancellationToken cancellationToken) => (_snapshot, _cancellationToken) = (snapshot, cancellationToken);

        private static readonly string CountedRecords = string.Join(" UNION ALL ", RecordKinds.All.Select(k =>
            $"SELECT region_code, campaign_id, {k.DateColumn} AS day, {string.Join(", ", k.FigureColumns.Select((f, i) => $"{f} AS f{i}"))} " +
            $"FROM {k.Table.Name} WHERE NOT voided"));

        private static readonly string Placements = string.Join(" UNION ALL ", RecordKinds.All.Select(k =>
            $"SELECT branch_id, campaign_id, {k.DateColumn} AS day, region_code FROM {k.Table.Name} WHERE NOT voided"));

        /// <summary>Each branch's earliest non-voided record per campaign, the county breaking a tie (as the committer does).</summary>
        private static readonly string Earliest =
            $"WITH r AS ({Placements}), f AS (SELECT branch_id, campaign_id, MIN(day) AS day FROM r GROUP BY branch_id, campaign_id) " +
            "SELECT f.branch_id, f.campaign_id, f.day, MIN(r.region_code) AS region_code FROM f " +
            "JOIN r ON r.branch_id = f.branch_id AND r.campaign_id = f.campaign_id AND r.day = f.day GROUP BY f.branch_id, f.campaign_id, f.day";

        /// <summary>The non-voided records' figures per county, campaign and day (active branches not counted here).</summary>
        public Task<List<((string County, string Campaign, DateOnly Day) Key, Figures Figures)>> RecordFiguresAsync()
        {
            var counted = RecordKinds.All[0].FigureColumns.Count;
            return _snapshot.QueryAsync(
                $"SELECT region_code, campaign_id, day, {string.Join(", ", Enumerable.Range(0, counted).Select(i => $"SUM(f{i})"))} " +
                $"FROM ({CountedRecords}) r GROUP BY region_code, campaign_id, day",
                [], r => (Key: (r.GetString(0), r.GetString(1), r.Date(2)), Figures: Figures.FromColumns([.. Enumerable.Range(3, counted).Select(r.Long), 0])),
                _cancellationToken);
        }

        /// <summary>How many branches have their earliest non-voided record of a campaign in each county on each day.</summary>
        public Task<List<((string County, string Campaign, DateOnly Day) Key, long Count)>> FirstRecordsAsync() =>
            _snapshot.QueryAsync(
                $"SELECT region_code, campaign_id, day, COUNT(*) FROM ({Earliest}) e GROUP BY region_code, campaign_id, day",
                [], r => ((r.GetString(0), r.GetString(1), r.Date(2)), r.Long(3)), _cancellationToken);

        /// <summary>county_days summed over writer shards.</summary>
        public async Task<Dictionary<(string County, string Campaign, DateOnly Day), Figures>> StoredCountyDaysAsync() =>
            (await _snapshot.QueryAsync(
                $"SELECT county_code, campaign_id, day, {string.Join(", ", Figures.Columns.Select(c => $"SUM({c})"))} FROM {Tables.CountyDays.Name} " +
                "GROUP BY county_code, campaign_id, day",
                [], r => (Key: (r.GetString(0), r.GetString(1), r.Date(2)), Figures: Figures.FromColumns([.. Enumerable.Range(3, Figures.Columns.Length).Select(r.Long)])),
                _cancellationToken)).ToDictionary(x => x.Key, x => x.Figures);

        /// <summary>Registered branches per county, counted from the branches table.</summary>
        public async Task<Dictionary<string, long[]>> RegisteredAsync() =>
            (await _snapshot.QueryAsync("SELECT region_code, COUNT(*) FROM branches GROUP BY region_code", [],
                r => (r.GetString(0), new[] { r.Long(1) }), _cancellationToken)).ToDictionary();

        /// <summary>county_branches summed over writer shards.</summary>
        public async Task<Dictionary<string, long[]>> StoredRegisteredAsync() =>
            (await _snapshot.QueryAsync(
                $"SELECT county_code, SUM(registered) FROM {Tables.CountyBranches.Name} GROUP BY county_code", [],
                r => (r.GetString(0), new[] { r.Long(1) }), _cancellationToken)).ToDictionary();

        /// <summary>The non-voided talks naming each honoree, per campaign and the county where the talk was held.</summary>
        public Task<List<(string Honoree, string Campaign, string Region, TalkFigures Figures)>> HonoreeTalksAsync() =>
            _snapshot.QueryAsync(
                "SELECT h.honoree_id, t.campaign_id, t.region_code, COUNT(*), SUM(t.audience), SUM(COALESCE(t.online_views, 0)) " +
                "FROM talk_honorees h JOIN honoree_talks t ON t.branch_id = h.branch_id AND t.talk_id = h.talk_id " +
                "WHERE NOT t.voided GROUP BY h.honoree_id, t.campaign_id, t.region_code",
                [], r => (Honoree: r.GetString(0), Campaign: r.GetString(1), Region: r.GetString(2), Figures: new TalkFigures(r.Long(3), r.Long(4), r.Long(5))),
                _cancellationToken);

        /// <summary>honoree_rollups summed over writer shards, as [talks, audience, online views].</summary>
        public async Task<Dictionary<(string Honoree, string Campaign, string Province), long[]>> StoredHonoreeFiguresAsync() =>
            (await _snapshot.QueryAsync(
                $"SELECT honoree_id, campaign_id, province_code, SUM(talks), SUM(audience), SUM(online_views) FROM {Tables.HonoreeRollups.Name} " +
                "GROUP BY honoree_id, campaign_id, province_code",
                [], r => (Key: (r.GetString(0), r.GetString(1), r.GetString(2)), Values: new[] { r.Long(3), r.Long(4), r.Long(5) }),
                _cancellationToken)).ToDictionary(x => x.Key, x => x.Values);

        /// <summary>Each branch's earliest non-voided record per campaign, recounted: its day and county.</summary>
        public async Task<Dictionary<(string Branch, string Campaign), (DateOnly Day, string County)>> EarliestRecordsAsync() =>
            (await _snapshot.QueryAsync(Earliest, [], r => (Key: (r.GetString(0), r.GetString(1)), Value: (r.Date(2), r.GetString(3))),
                _cancellationToken)).ToDictionary(x => x.Key, x => x.Value);

        /// <summary>Each branch's earliest record per campaign as kept for later writes (branch_activity).</summary>
        public async Task<Dictionary<(string Branch, string Campaign), (DateOnly Day, string County)>> StoredEarliestRecordsAsync() =>
            (await _snapshot.QueryAsync(
                $"SELECT branch_id, campaign_id, first_on, region_code FROM {Tables.BranchActivity.Name} WHERE first_on IS NOT NULL", [],
                r => (Key: (r.GetString(0), r.GetString(1)), Value: (r.Date(2), r.GetString(3))), _cancellationToken))
                .ToDictionary(x => x.Key, x => x.Value);
    }
}
