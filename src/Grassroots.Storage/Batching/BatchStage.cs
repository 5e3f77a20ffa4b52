using System.Data.Common;

namespace Grassroots.Storage;

/// <summary>
/// A write the committer does not make itself: it hands it, with the batch's other staged writes of the same
/// <see cref="RowWrite.Table"/>, to the <see cref="IBatchStage"/> registered for that table. The table must exist (the
/// stage owns it). Only writes of units whose owner held reach the stage.
/// </summary>
public abstract record StagedWrite(Table Table) : RowWrite(Table);

/// <summary>
/// Where the owning code adds a step to every batch that carries its <see cref="StagedWrite"/>s, for a rule that must read
/// what is committed, under lock, inside the batch's transaction (registered in DI; the committer takes every one). After
/// the owners' rows are written, the steps of all stages with staged writes run their <see cref="IBatchStep.Statements"/>
/// together in one round trip; then each step's <see cref="IBatchStep.Writes"/> are written with the batch's other
/// dependent writes (increments summed with theirs and reported in <see cref="CommittedBatch.Increments"/>).
/// </summary>
public interface IBatchStage
{
    /// <summary>The table whose staged writes this stage takes; one stage per table.</summary>
    Table Table { get; }

    /// <summary>A step for one batch's staged writes of <see cref="Table"/>, in the order of the units that carry them.</summary>
    IBatchStep Plan(Database database, IReadOnlyList<StagedWrite> writes);
}

/// <summary>One stage's part of one batch (<see cref="IBatchStage.Plan"/>).</summary>
public interface IBatchStep
{
    /// <summary>Statements run in the batch's transaction; rows they return carry a tag of the step's own in column 0.</summary>
    IReadOnlyList<Statement> Statements { get; }

    /// <summary>Takes one returned row; false when its tag is not one of this step's.</summary>
    bool Read(DbDataReader row);

    /// <summary>What the batch writes for the step once every row is read: <see cref="Upsert"/>s, <see cref="Increment"/>s, <see cref="Append"/>s, <see cref="Remove"/>s.</summary>
    IEnumerable<RowWrite> Writes();
}
