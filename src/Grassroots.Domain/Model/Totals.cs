namespace Grassroots.Domain.Model;

/// <summary>
/// The figures every rollup carries. <see cref="Values"/> is their storage order, the order of the value
/// columns of region_rollups; arithmetic on rollups is done on those arrays.
/// </summary>
[GenerateSerializer, Immutable, Alias("totals")]
public sealed record Totals(
    [property: Id(0)] long StudySessions,
    [property: Id(1)] long Attendance,
    [property: Id(2)] long Frontline,
    [property: Id(3)] long Youth,
    [property: Id(4)] long Women,
    [property: Id(5)] long HonoreeTalks,
    [property: Id(6)] long TalkAudience,
    [property: Id(7)] long OnlineViews,
    [property: Id(8)] long PublicityItems,
    [property: Id(9)] long PublicityReach,
    [property: Id(10)] long ActiveBranches,
    [property: Id(11)] long RegisteredBranches)
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

    /// <summary>Adds <paramref name="values"/> (in <see cref="Values"/> order) into <paramref name="sum"/>.</summary>
    public static void Add(long[] sum, long[] values)
    {
        for (var i = 0; i < sum.Length; i++) sum[i] += values[i];
    }
}
