using System.Data.Common;
using Grassroots.Domain.Persistence;
using Grassroots.Storage;
using Earliest = Grassroots.Domain.Records.BranchActivity.Earliest;

namespace Grassroots.Domain.Records;

/// <summary>
/// Turns a batch's <see cref="ActivityChange"/>s into the moves of each branch's earliest counting record
/// (<see cref="BranchActivity"/>), exactly, while other silos write the same branches' records: a stage of the group
/// committer (<see cref="IBatchStage"/>). Inside the batch's transaction, after its record rows are written, it takes the
/// row lock of every (branch, campaign) it touches, in one sorted order so two writers cannot deadlock, and reads the
/// earliest as committed. With only new records, the earliest after is the least of that and the new days. Where a
/// record stops counting (a void, or a correction that moves it), the earliest is counted again from the record tables:
/// that read comes after the lock, so it sees every committed change of the branch and this batch's own; a writer that
/// has not committed yet waits for the lock and then sees this batch's result.
/// </summary>
public sealed class BranchActivityStore : IBatchStage
{
    private const string Held = "#held", Recounted = "#recounted";

    private readonly record struct Pair(string BranchId, string CampaignId);

    private static readonly Comparer<Pair> Ordinal = Comparer<Pair>.Create((a, b) =>
        string.CompareOrdinal(a.BranchId, b.BranchId) is var c and not 0 ? c : string.CompareOrdinal(a.CampaignId, b.CampaignId));

    private static readonly string Activity = Tables.BranchActivity.Name;

    public Table Table => Tables.BranchActivity;

    public IBatchStep Plan(Database database, IReadOnlyList<StagedWrite> writes) => new Step(database, writes);

    /// <summary>
    /// One batch's part: <see cref="Statements"/> lock and read the pairs' earliest (and recount the voided ones), then
    /// <see cref="Writes"/> says which activity rows to write and which active-branch increments to add.
    /// </summary>
    private sealed class Step : IBatchStep
    {
        private readonly SortedDictionary<Pair, Earliest?> _added = new(Ordinal);
        private readonly SortedSet<Pair> _recount = new(Ordinal);
        private readonly Dictionary<Pair, Earliest?> _before = [];
        private readonly Dictionary<Pair, Earliest> _recounted = [];
        private readonly List<Statement> _statements;

        public Step(Database database, IReadOnlyList<StagedWrite> writes)
        {
            foreach (var write in writes)
            {
                var change = (ActivityChange)write;
                var pair = new Pair(change.BranchId, change.CampaignId);
                if (change.Delta < 0) _recount.Add(pair);
                var day = new Earliest(change.Day, change.County);
                if (!_added.TryGetValue(pair, out var least)) _added[pair] = change.Delta > 0 ? day : null;
                else if (change.Delta > 0) _added[pair] = Earliest.Least(least, day);
            }
            List<Pair> pairs = [.. _added.Keys];
            _statements = [InsertMissing(database, pairs), LockAndRead(database, pairs)];
            if (_recount.Count > 0) _statements.Add(Recount(database, [.. _recount]));
        }

        public IReadOnlyList<Statement> Statements => _statements;

        public bool Read(DbDataReader r)
        {
            var tag = r.GetString(0);
            if (tag is not (Held or Recounted)) return false;
            var pair = new Pair(r.GetString(1), r.GetString(2));
            var earliest = r.IsDBNull(3) ? (Earliest?)null : new Earliest(r.Date(3), r.GetString(4));
            if (tag == Held) _before[pair] = earliest;
            else if (earliest is { } e) _recounted[pair] = e;
            return true;
        }

        public IEnumerable<RowWrite> Writes()
        {
            var writes = new List<RowWrite>();
            foreach (var (pair, added) in _added)
            {
                var was = _before.GetValueOrDefault(pair);
                Earliest? now = _recount.Contains(pair) ? (_recounted.TryGetValue(pair, out var e) ? e : null) : Earliest.Least(was, added);
                if (was == now) continue;
                writes.Add(new Upsert(Tables.BranchActivity, [pair.BranchId, pair.CampaignId], [now?.Day, now?.County]));
                if (was is { } w) writes.Add(BranchActivity.Counted(w, pair.CampaignId, -1));
                if (now is { } n) writes.Add(BranchActivity.Counted(n, pair.CampaignId, +1));
            }
            return writes;
        }
    }

    /// <summary>A row for each pair that has none yet, so that even a branch's first record has a row to lock.</summary>
    private static Statement InsertMissing(Database database, List<Pair> pairs) =>
        Pairs(database, new Statement().Sql($"INSERT INTO {Activity} (branch_id, campaign_id) SELECT branch_id, campaign_id FROM "), pairs)
            // "WHERE true": SQLite would read ON CONFLICT as the ON of a join.
            .Sql(" WHERE true ON CONFLICT (branch_id, campaign_id) DO NOTHING");

    private static Statement LockAndRead(Database database, List<Pair> pairs) =>
        Pairs(database, new Statement(returns: true).Sql($"SELECT '{Held}', a.branch_id, a.campaign_id, a.first_on, a.region_code FROM {Activity} a JOIN "), pairs)
            .Sql(" ON a.branch_id = p.branch_id AND a.campaign_id = p.campaign_id ORDER BY a.branch_id, a.campaign_id")
            .Sql(database.ForUpdate is { Length: > 0 } ? database.ForUpdate + " OF a" : "");

    /// <summary>Each pair's earliest non-voided record, the county breaking a tie, from the record tables.</summary>
    private static Statement Recount(Database database, List<Pair> pairs)
    {
        var statement = Pairs(database, new Statement(returns: true).Sql("WITH p AS (SELECT branch_id, campaign_id FROM "), pairs).Sql("), r AS (");
        statement.Sql(string.Join(" UNION ALL ", BranchActivity.Sources.Select(s =>
            $"SELECT t.branch_id, t.campaign_id, t.{s.DayColumn} AS day, t.region_code FROM {s.Table} t " +
            "JOIN p ON t.branch_id = p.branch_id AND t.campaign_id = p.campaign_id WHERE NOT t.voided")));
        return statement.Sql("), f AS (SELECT branch_id, campaign_id, MIN(day) AS day FROM r GROUP BY branch_id, campaign_id) " +
            $"SELECT '{Recounted}', f.branch_id, f.campaign_id, f.day, MIN(r.region_code) FROM f " +
            "JOIN r ON r.branch_id = f.branch_id AND r.campaign_id = f.campaign_id AND r.day = f.day GROUP BY f.branch_id, f.campaign_id, f.day");
    }

    /// <summary>The pairs as a relation p(branch_id, campaign_id) (<see cref="Database.PairsRelation"/>).</summary>
    private static Statement Pairs(Database database, Statement statement, List<Pair> pairs)
    {
        var relation = database.PairsRelation([.. pairs.Select(p => (p.BranchId, p.CampaignId))], "branch_id", "campaign_id", out var args,
            first: statement.NextParameter);
        return statement.Sql(relation, args);
    }
}
