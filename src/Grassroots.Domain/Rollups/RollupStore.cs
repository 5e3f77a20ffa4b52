using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Storage;

namespace Grassroots.Domain.Rollups;

/// <summary>
/// The rollups' data module: what a silo loads of the rollup tables, every read of one load taken from one snapshot of the
/// database (<see cref="Snapshot"/>), so the figures and the writer shards' sequence numbers agree.
/// </summary>
public sealed class RollupStore(Database database)
{
    /// <summary>Runs <paramref name="work"/>'s reads against one snapshot of the database.</summary>
    public Task<T> InSnapshotAsync<T>(Func<Snapshot, Task<T>> work) =>
        database.InSnapshotAsync(snapshot => work(new Snapshot(database, snapshot)));

    /// <summary>The rollup tables as of one snapshot (<see cref="InSnapshotAsync"/>).</summary>
    public sealed class Snapshot
    {
        private readonly Database _database;
        private readonly Storage.Snapshot _snapshot;

        internal Snapshot(Database database, Storage.Snapshot snapshot) => (_database, _snapshot) = (database, snapshot);

        /// <summary>Every writer shard's last committed batch.</summary>
        public async Task<IReadOnlyDictionary<string, long>> ShardSeqsAsync() =>
            (await _snapshot.QueryAsync("SELECT shard, seq FROM shards", [], r => (r.GetString(0), r.Long(1)))).ToDictionary();

        /// <summary>
        /// The figures of the given counties per campaign and day, added up in the database per node each county lies under
        /// (a province's ~100 counties become its ~15 cities' rows, CN's million county-days its provinces' ten thousand).
        /// </summary>
        public Task<List<(string Node, string Campaign, DateOnly Day, Figures Figures)>> DaysByNodeAsync(IReadOnlyList<(string County, string Node)> counties)
        {
            var nodes = _database.PairsRelation(counties, "county", "node", out var args);
            var sums = string.Join(", ", Figures.Columns.Select(c => $"SUM(c.{c})"));
            return _snapshot.QueryAsync(
                $"SELECT p.node, c.campaign_id, c.day, {sums} FROM {Tables.CountyDays.Name} c JOIN {nodes} ON p.county = c.county_code " +
                "GROUP BY p.node, c.campaign_id, c.day", args,
                r => (r.GetString(0), r.GetString(1), r.Date(2), Figures.FromColumns([.. Enumerable.Range(3, Figures.Columns.Length).Select(r.Long)])));
        }

        /// <summary>The registered branches of the given counties, added up per node each county lies under.</summary>
        public Task<List<(string Node, long Registered)>> RegisteredByNodeAsync(IReadOnlyList<(string County, string Node)> counties)
        {
            var nodes = _database.PairsRelation(counties, "county", "node", out var args);
            return _snapshot.QueryAsync(
                $"SELECT p.node, SUM(c.registered) FROM {Tables.CountyBranches.Name} c JOIN {nodes} ON p.county = c.county_code GROUP BY p.node",
                args, r => (r.GetString(0), r.Long(1)));
        }

        /// <summary>What the talks naming an honoree add up to, per campaign and province of the talk.</summary>
        public Task<List<HonoreeProvince>> HonoreeFiguresAsync(string honoreeId) =>
            _snapshot.QueryAsync(
                $"SELECT campaign_id, province_code, SUM(talks), SUM(audience), SUM(online_views) FROM {Tables.HonoreeRollups.Name} " +
                "WHERE honoree_id = $1 GROUP BY campaign_id, province_code",
                [honoreeId], r => new HonoreeProvince(honoreeId, r.GetString(0), r.GetString(1), new TalkFigures(r.Long(2), r.Long(3), r.Long(4))));
    }
}
