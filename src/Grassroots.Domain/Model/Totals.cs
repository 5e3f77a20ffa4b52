namespace Grassroots.Domain.Model;

/// <summary>
/// The figures every rollup carries. <see cref="Values"/> is their storage order, the order of the value
/// columns of region_rollups; arithmetic on rollups is done on those arrays.
/// </summary>
public sealed record Totals(
    long StudySessions, long Attendance, long Frontline, long Youth, long Women,
    long HonoreeTalks, long TalkAudience, long OnlineViews, long PublicityItems, long PublicityReach,
    long ActiveBranches, long RegisteredBranches)
{
    public const int Count = 12;
    public const int StudySessionsAt = 0, AttendanceAt = 1, FrontlineAt = 2, YouthAt = 3, WomenAt = 4, HonoreeTalksAt = 5,
        TalkAudienceAt = 6, OnlineViewsAt = 7, PublicityItemsAt = 8, PublicityReachAt = 9, ActiveBranchesAt = 10, RegisteredBranchesAt = 11;

    public static readonly Totals Zero = From(new long[Count]);

    /// <summary>Active ÷ registered branches; 0 when none are registered.</summary>
    public double Coverage => RegisteredBranches == 0 ? 0 : Math.Round((double)ActiveBranches / RegisteredBranches, 4);

    public static Totals From(long[] v) => new(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11]);

    public long[] Values => [StudySessions, Attendance, Frontline, Youth, Women, HonoreeTalks, TalkAudience, OnlineViews,
        PublicityItems, PublicityReach, ActiveBranches, RegisteredBranches];
}
