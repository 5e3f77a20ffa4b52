using System.Data.Common;

namespace Grassroots.Storage;

/// <summary>
/// Turns a batch's <see cref="ActivityChange"/>s into the moves of each branch's earliest counting record, exactly,
/// while other silos write the same branches' records (docs/architecture.md, "Rollups"). Inside the batch's transaction, after its record
/// rows are written, it takes the row lock of every (branch, campaign) it touches, in one sorted order so two writers
/// cannot deadlock, and reads the earliest as committed. With only new records, the earliest after is the least of that
/// and the new days. Where a record stops counting (a void, or a correction that moves it), the earliest is counted
/// again from the record tables: that read comes after the lock, so it sees every committed change of the branch and
/// this batch's own; a writer that has not committed yet waits for the lock and then sees this batch's result.
/// </summary>
internal sealed class ActivityWriter(Database database, ActivityRules rules)
{
    private readonly record struct Pair(string BranchId, string CampaignId);

    private readonly record struct Earliest(DateOnly Day, string County) : IComparable<Earliest>
    {
        public int CompareTo(Earliest other) =>
            Day != other.Day ? Day.CompareTo(other.Day) : string.CompareOrdinal(County, other.County);
    }

    private static readonly Comparer<Pair> Ordinal = Comparer<Pair>.Create((a, b) =>
        string.CompareOrdinal(a.BranchId, b.BranchId) is var c and not 0 ? c : string.CompareOrdinal(a.CampaignId, b.CampaignId));

    /// <summary>
    /// One step of a batch: <see cref="Statements"/> run in one round trip (rows come back tagged), then <see cref="Moves"/>
    /// says which activity rows to write and which active-branch increments to add.
    /// </summary>
    public Step Plan(IReadOnlyList<ActivityChange> changes) => new(this, changes);

    public sealed class Step
    {
        private const string Held = "#held", Recounted = "#recounted";
        private readonly ActivityWriter _writer;
        private readonly SortedDictionary<Pair, Earliest?> _added = new(Ordinal);
        private readonly SortedSet<Pair> _recount = new(Ordinal);
        private readonly Dictionary<Pair, Earliest?> _before = [];
        private readonly Dictionary<Pair, Earliest> _recounted = [];

        internal Step(ActivityWriter writer, IReadOnlyList<ActivityChange> changes)
        {
            _writer = writer;
            foreach (var change in changes)
            {
                var pair = new Pair(change.BranchId, change.CampaignId);
                if (change.Delta < 0) _recount.Add(pair);
                var day = new Earliest(change.Day, change.County);
                if (!_added.TryGetValue(pair, out var least)) _added[pair] = change.Delta > 0 ? day : null;
                else if (change.Delta > 0 && (least is null || day.CompareTo(least.Value) < 0)) _added[pair] = day;
            }
            List<Pair> pairs = [.. _added.Keys];
            Statements = [writer.InsertMissing(pairs), writer.LockAndRead(pairs, Held)];
            if (_recount.Count > 0) Statements.Add(writer.Recount([.. _recount], Recounted));
        }

        public List<Statement> Statements { get; }

        /// <summary>Takes one row of <see cref="Statements"/>; false when it is not one of this step's.</summary>
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

        public List<RowWrite> Moves()
        {
            var writes = new List<RowWrite>();
            foreach (var (pair, added) in _added)
            {
                var was = _before.GetValueOrDefault(pair);
                Earliest? now = _recount.Contains(pair) ? (_recounted.TryGetValue(pair, out var e) ? e : null) : Least(was, added);
                if (was == now) continue;
                writes.Add(new Upsert(ActivityRules.Activity, [pair.BranchId, pair.CampaignId], [now?.Day, now?.County]));
                if (was is { } w) writes.Add(_writer.Active(w, pair.CampaignId, -1));
                if (now is { } n) writes.Add(_writer.Active(n, pair.CampaignId, +1));
            }
            return writes;
        }
    }

    private static Earliest? Least(Earliest? a, Earliest? b) =>
        a is null ? b : b is null ? a : a.Value.CompareTo(b.Value) <= 0 ? a : b;

    private Increment Active(Earliest at, string campaignId, int delta)
    {
        var deltas = new long[rules.Target.Values.Length];
        deltas[rules.ActiveIndex] = delta;
        return new Increment(rules.Target, [at.County, campaignId, at.Day], deltas);
    }

    /// <summary>A row for each pair that has none yet, so that even a branch's first record has a row to lock.</summary>
    private Statement InsertMissing(List<Pair> pairs) =>
        Pairs(new Statement().Sql("INSERT INTO branch_activity (branch_id, campaign_id) SELECT branch_id, campaign_id FROM "), pairs)
            // "WHERE true": SQLite would read ON CONFLICT as the ON of a join.
            .Sql(" WHERE true ON CONFLICT (branch_id, campaign_id) DO NOTHING");

    private Statement LockAndRead(List<Pair> pairs, string tag) =>
        Pairs(new Statement(returns: true).Sql($"SELECT '{tag}', a.branch_id, a.campaign_id, a.first_on, a.region_code FROM branch_activity a JOIN "), pairs)
            .Sql(" ON a.branch_id = p.branch_id AND a.campaign_id = p.campaign_id ORDER BY a.branch_id, a.campaign_id")
            .Sql(database.ForUpdate is { Length: > 0 } ? database.ForUpdate + " OF a" : "");

    /// <summary>Each pair's earliest non-voided record, the county breaking a tie, from the record tables.</summary>
    private Statement Recount(List<Pair> pairs, string tag)
    {
        var statement = Pairs(new Statement(returns: true).Sql("WITH p AS (SELECT branch_id, campaign_id FROM "), pairs).Sql("), r AS (");
        statement.Sql(string.Join(" UNION ALL ", rules.Sources.Select(s =>
            $"SELECT t.branch_id, t.campaign_id, t.{s.DayColumn} AS day, t.region_code FROM {s.Table} t " +
            "JOIN p ON t.branch_id = p.branch_id AND t.campaign_id = p.campaign_id WHERE NOT t.voided")));
        return statement.Sql("), f AS (SELECT branch_id, campaign_id, MIN(day) AS day FROM r GROUP BY branch_id, campaign_id) " +
            $"SELECT '{tag}', f.branch_id, f.campaign_id, f.day, MIN(r.region_code) FROM f " +
            "JOIN r ON r.branch_id = f.branch_id AND r.campaign_id = f.campaign_id AND r.day = f.day GROUP BY f.branch_id, f.campaign_id, f.day");
    }

    /// <summary>The pairs as a relation p(branch_id, campaign_id) (<see cref="Database.PairsRelation"/>).</summary>
    private Statement Pairs(Statement statement, List<Pair> pairs)
    {
        var relation = database.PairsRelation([.. pairs.Select(p => (p.BranchId, p.CampaignId))], "branch_id", "campaign_id", out var args,
            first: statement.Parameters.Count + 1);
        statement.Parameters.AddRange(args);
        return statement.Sql(relation);
    }
}
