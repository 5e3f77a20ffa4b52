using Grassroots.Domain.Model;

namespace Grassroots.Domain.Contracts;

/// <summary>
/// A branch (基层工会), keyed by the id its registering authority chose: its profile, its own figures, and the one
/// place where its records' changes are put in order and handed to the group committer.
/// </summary>
[Alias("branch-grain")]
public interface IBranchGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("get")]
    Task<Versioned<BranchProfile>?> GetAsync();

    /// <summary>Registers or corrects the branch; moving it to another county moves its registered count, not its past records.</summary>
    [Alias("put")]
    Task<Saved<BranchProfile>> PutAsync(BranchProfile profile, string actor);

    /// <summary>The branch's own figures (optionally one campaign, within from..to), from memory.</summary>
    [ReadOnly, Alias("totals")]
    Task<Totals> GetTotalsAsync(string? campaignId, DateOnly? from, DateOnly? to);

    /// <summary>
    /// The county a new record of this branch would count under (null when the branch is not registered) and whether
    /// the record already exists, so a record grain need not read the database to learn that a record is new.
    /// </summary>
    [ReadOnly, Alias("lookup")]
    Task<RecordLookup> LookupRecordAsync(string kind, string recordId);

    /// <summary>
    /// Commits a record's change as one unit with the branch's campaign activity (earliest non-voided record) and
    /// every rollup delta it causes. Interleaves with the branch's reads and with other changes: the unit is built and
    /// queued in one turn, so changes are committed in the order the branch saw them. Called by record grains only.
    /// </summary>
    [AlwaysInterleave, Alias("commit-record")]
    Task CommitRecordChangeAsync(RecordChange change);

    /// <summary>
    /// Imports many records of this branch: each is checked as its record grain would check it; new ones are committed
    /// together as one unit, with their rollup deltas summed and one activity change per campaign; existing ones that
    /// are unchanged are answered so, and those that change are left to their record grains, so that no record grain
    /// holds a copy the import made stale. One outcome per record, in order.
    /// </summary>
    [AlwaysInterleave, Alias("import-records")]
    Task<IReadOnlyList<ImportOutcome>> ImportRecordsAsync(RecordImport import);
}

[GenerateSerializer, Immutable, Alias("record-lookup")]
public sealed record RecordLookup([property: Id(0)] string? RegionCode, [property: Id(1)] bool Exists);

/// <summary>A record before and after one change (before null when it is new), who made it and what it was.</summary>
[GenerateSerializer, Immutable, Alias("record-change")]
public sealed record RecordChange(
    [property: Id(0)] LoggedRecord? Before,
    [property: Id(1)] LoggedRecord After,
    [property: Id(2)] string Actor,
    [property: Id(3)] string Action);
