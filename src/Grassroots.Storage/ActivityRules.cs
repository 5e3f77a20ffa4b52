namespace Grassroots.Storage;

/// <summary>
/// Where branch activity comes from and goes to, told to the committer by the code that owns the record tables.
/// A branch is active for a campaign from the day of its earliest counting record. <see cref="Activity"/> keeps that
/// earliest (day, county) per branch and campaign; when a batch moves it, the committer adds −1 to the
/// <see cref="ActiveColumn"/> of the old day's <see cref="Target"/> row and +1 to the new one's. The target's key is
/// (county, campaign, day).
/// </summary>
/// <param name="Sources">Each record table with the column of the day its records count on; all have branch_id,
/// campaign_id, region_code and voided.</param>
public sealed record ActivityRules(Table Target, string ActiveColumn, IReadOnlyList<(string Table, string DayColumn)> Sources)
{
    /// <summary>Per branch and campaign: the day and county of its earliest non-voided record, NULL when it has none.</summary>
    public static readonly Table Activity = new("branch_activity", ["branch_id", "campaign_id"], ["first_on", "region_code"]);

    public int ActiveIndex { get; } = Array.IndexOf(Target.Values, ActiveColumn) is >= 0 and var i
        ? i : throw new ArgumentException($"{Target} has no column {ActiveColumn}.", nameof(ActiveColumn));
}
