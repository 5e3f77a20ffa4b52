using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Rollups;
using Grassroots.Storage;

namespace Grassroots.Domain.Records;

/// <summary>
/// A branch is active in a campaign from the day of its earliest non-voided record of any kind, in that record's county;
/// on a tie of days the lower county code counts (docs/architecture.md, "Rollups"). That earliest is kept per branch and
/// campaign in <see cref="Tables.BranchActivity"/>, and counted as one active branch in the <see cref="Figures.ActiveBranches"/>
/// of its county and day; <see cref="BranchActivityStore"/> moves both, exactly, with every batch that changes a record.
/// </summary>
public static class BranchActivity
{
    /// <summary>Each record table with the column of the day its records count on; all have branch_id, campaign_id, region_code and voided.</summary>
    public static IReadOnlyList<(string Table, string DayColumn)> Sources { get; } = [.. RecordKinds.All.Select(k => (k.Table.Name, k.DateColumn))];

    /// <summary>The active-branch figure of the county and day of <paramref name="at"/> moved by <paramref name="delta"/>.</summary>
    public static Increment Counted(Earliest at, string campaignId, int delta) =>
        RollupWrites.CountyDay(at.County, campaignId, at.Day, Figures.Zero with { ActiveBranches = delta });

    /// <summary>Where a branch's activity counts from: the earlier day first, then the lower county code.</summary>
    public readonly record struct Earliest(DateOnly Day, string County) : IComparable<Earliest>
    {
        public int CompareTo(Earliest other) =>
            Day != other.Day ? Day.CompareTo(other.Day) : string.CompareOrdinal(County, other.County);

        /// <summary>The earlier of two, either of which may be none.</summary>
        public static Earliest? Least(Earliest? a, Earliest? b) =>
            a is null ? b : b is null ? a : a.Value.CompareTo(b.Value) <= 0 ? a : b;
    }
}

/// <summary>
/// A record of a branch starts (+1) or stops (−1) counting in a campaign on a day, in a county: handed by the committer to
/// <see cref="BranchActivityStore"/>, which turns the moves of the branch's earliest record into active-branch increments.
/// </summary>
public sealed record ActivityChange(string BranchId, string CampaignId, DateOnly Day, string County, int Delta)
    : StagedWrite(Tables.BranchActivity);
