using Grassroots.Domain.Model;

namespace Grassroots.Silo.Apis;

/// <summary>
/// The figures of a rollup, a branch or a series point on the wire. One shape everywhere, so a client reads a
/// branch's totals and its county's rollup with the same code.
/// </summary>
public sealed record TotalsDto(
    long StudySessions, long Attendance, long Frontline, long Youth, long Women,
    long HonoreeTalks, long TalkAudience, long OnlineViews, long PublicityItems, long PublicityReach,
    long Competitions, long CompetitionParticipants, long Awardees, long ActiveBranches, long RegisteredBranches, double Coverage)
{
    public static TotalsDto From(Totals t) => new(
        t.StudySessions, t.Attendance, t.Frontline, t.Youth, t.Women,
        t.HonoreeTalks, t.TalkAudience, t.OnlineViews, t.PublicityItems, t.PublicityReach,
        t.Competitions, t.CompetitionParticipants, t.Awardees, t.ActiveBranches, t.RegisteredBranches, t.Coverage);
}
