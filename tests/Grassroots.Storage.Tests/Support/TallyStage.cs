using System.Collections.Concurrent;
using System.Data.Common;

namespace Grassroots.Storage.Tests.Support;

/// <summary>Adds <paramref name="Amount"/> to the running total <paramref name="Name"/>, for the unit whose owner is the test state row <paramref name="OwnerKey"/>.</summary>
public sealed record Tally(string Name, long Amount, string OwnerKey) : StagedWrite(TallyStage.Totals);

/// <summary>
/// A stage of the committer made for these tests, with no domain rule: it keeps running totals by reading each total
/// under lock in the batch's transaction and writing it back with the batch's amounts added, so a total is exact only if
/// the step runs after the batch's owners, inside its transaction, holding the row until it commits. It also adds one
/// honoree talk per tally to <see cref="Rows.HonoreeRollups"/> (the honoree named as the total), to show that a step's
/// increments are summed with the batch's own, and it notes what each step was given and saw.
/// </summary>
public sealed class TallyStage : IBatchStage
{
    private const string Held = "#total", Owner = "#owner";

    public static readonly Table Totals = new("test_tally", ["name"], ["total"]);

    /// <summary>Per step: the tallies it was given, and the owner rows of their units it found written.</summary>
    public ConcurrentQueue<(IReadOnlyList<Tally> Given, IReadOnlyList<string> OwnersSeen)> Steps { get; } = new();

    public Table Table => Totals;

    public IBatchStep Plan(Database database, IReadOnlyList<StagedWrite> writes) => new Step(this, database, [.. writes.Cast<Tally>()]);

    private sealed class Step : IBatchStep
    {
        private readonly TallyStage _stage;
        private readonly List<Tally> _tallies;
        private readonly SortedDictionary<string, long> _added = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _held = [];
        private readonly List<string> _owners = [];

        public Step(TallyStage stage, Database database, List<Tally> tallies)
        {
            (_stage, _tallies) = (stage, tallies);
            foreach (var tally in tallies) _added[tally.Name] = _added.GetValueOrDefault(tally.Name) + tally.Amount;
            var insert = new Statement().Sql("INSERT INTO test_tally (name) VALUES ");
            var read = new Statement(returns: true).Sql($"SELECT '{Held}', name, total FROM test_tally WHERE name IN (");
            var first = true;
            foreach (var name in _added.Keys)
            {
                (first ? insert : insert.Sql(", ")).Sql("(").Param(name).Sql(")");
                (first ? read : read.Sql(", ")).Param(name);
                first = false;
            }
            insert.Sql(" ON CONFLICT (name) DO NOTHING");
            read.Sql(") ORDER BY name").Sql(database.ForUpdate);
            var owners = new Statement(returns: true).Sql($"SELECT '{Owner}', grain_key FROM test_state WHERE grain_key ");
            owners.Sql(database.InList([.. tallies.Select(t => t.OwnerKey).Distinct()], out var keys, first: owners.NextParameter), keys);
            Statements = [insert, read, owners];
        }

        public IReadOnlyList<Statement> Statements { get; }

        public bool Read(DbDataReader row)
        {
            switch (row.GetString(0))
            {
                case Held:
                    _held[row.GetString(1)] = row.GetInt64(2);
                    return true;
                case Owner:
                    _owners.Add(row.GetString(1));
                    return true;
                default:
                    return false;
            }
        }

        public IEnumerable<RowWrite> Writes()
        {
            _stage.Steps.Enqueue((_tallies, [.. _owners.Order(StringComparer.Ordinal)]));
            foreach (var (name, added) in _added) yield return new Upsert(Totals, [name], [_held[name] + added]);
            foreach (var tally in _tallies) yield return Rows.Talk(tally.Name, tally.Amount);
        }
    }
}
