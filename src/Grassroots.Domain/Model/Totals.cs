namespace Grassroots.Domain.Model;

/// <summary>
/// A region's, branch's or period's figures as reads answer them: <see cref="Figures"/> with the registered branches,
/// from which coverage follows.
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
    [property: Id(12)] long Competitions,
    [property: Id(13)] long CompetitionParticipants,
    [property: Id(14)] long Awardees,
    [property: Id(10)] long ActiveBranches,
    [property: Id(11)] long RegisteredBranches)
{
    public static readonly Totals Zero = Figures.Zero.WithRegistered(0);

    /// <summary>Active ÷ registered branches; 0 when none are registered.</summary>
    public double Coverage => RegisteredBranches == 0 ? 0 : Math.Round((double)ActiveBranches / RegisteredBranches, 4);

    public Figures Figures => new(StudySessions, Attendance, Frontline, Youth, Women, HonoreeTalks, TalkAudience, OnlineViews,
        PublicityItems, PublicityReach, Competitions, CompetitionParticipants, Awardees, ActiveBranches);
}
