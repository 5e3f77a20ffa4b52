using Grassroots.Domain.SignOff;

namespace Grassroots.Domain.Model;

/// <summary>
/// What records add up to in one place and time: the counted figures of study sessions, honoree talks, publicity and
/// competitions,
/// and the branches whose earliest record falls there. One county_days row holds one of these; a region's figures are
/// sums of its counties'. <see cref="Columns"/> is the order of county_days' value columns, active branches last; the
/// other shapes of these figures (<see cref="Totals"/>, <see cref="SignedFigures"/>, the API's) are checked against it
/// field by field by a test (FigureShapesTests).
/// </summary>
[GenerateSerializer, Immutable, Alias("figures")]
public readonly record struct Figures(
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
    [property: Id(11)] long Competitions,
    [property: Id(12)] long CompetitionParticipants,
    [property: Id(13)] long Awardees,
    [property: Id(10)] long ActiveBranches)
{
    /// <summary>The county_days value columns, in the order of <see cref="ToColumns"/>.</summary>
    public static readonly string[] Columns =
    [
        "study_sessions", "attendance", "frontline", "youth", "women", "honoree_talks", "talk_audience", "online_views",
        "publicity_items", "publicity_reach", "competitions", "competition_participants", "awardees", "active_branches",
    ];

    public const string ActiveColumn = "active_branches";

    public static readonly Figures Zero = default;

    public bool IsZero => this == Zero;

    /// <summary>The same figures without the active branches: what records count, not where branches start.</summary>
    public Figures Counted => this with { ActiveBranches = 0 };

    public static Figures operator +(Figures a, Figures b) => new(
        a.StudySessions + b.StudySessions, a.Attendance + b.Attendance, a.Frontline + b.Frontline, a.Youth + b.Youth,
        a.Women + b.Women, a.HonoreeTalks + b.HonoreeTalks, a.TalkAudience + b.TalkAudience, a.OnlineViews + b.OnlineViews,
        a.PublicityItems + b.PublicityItems, a.PublicityReach + b.PublicityReach, a.Competitions + b.Competitions,
        a.CompetitionParticipants + b.CompetitionParticipants, a.Awardees + b.Awardees, a.ActiveBranches + b.ActiveBranches);

    public static Figures operator -(Figures a) => Zero - a;

    public static Figures operator -(Figures a, Figures b) => new(
        a.StudySessions - b.StudySessions, a.Attendance - b.Attendance, a.Frontline - b.Frontline, a.Youth - b.Youth,
        a.Women - b.Women, a.HonoreeTalks - b.HonoreeTalks, a.TalkAudience - b.TalkAudience, a.OnlineViews - b.OnlineViews,
        a.PublicityItems - b.PublicityItems, a.PublicityReach - b.PublicityReach, a.Competitions - b.Competitions,
        a.CompetitionParticipants - b.CompetitionParticipants, a.Awardees - b.Awardees, a.ActiveBranches - b.ActiveBranches);

    public long[] ToColumns() =>
        [StudySessions, Attendance, Frontline, Youth, Women, HonoreeTalks, TalkAudience, OnlineViews, PublicityItems, PublicityReach,
         Competitions, CompetitionParticipants, Awardees, ActiveBranches];

    public static Figures FromColumns(IReadOnlyList<long> v) =>
        new(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13]);

    /// <summary>Totals as the API answers them: these figures with the region's registered branches.</summary>
    public Totals WithRegistered(long registered) => new(StudySessions, Attendance, Frontline, Youth, Women, HonoreeTalks, TalkAudience,
        OnlineViews, PublicityItems, PublicityReach, Competitions, CompetitionParticipants, Awardees, ActiveBranches, registered);
}

/// <summary>What the talks naming an honoree add up to: talks, audience and online views (one honoree_rollups row).</summary>
[GenerateSerializer, Immutable, Alias("talk-figures")]
public readonly record struct TalkFigures([property: Id(0)] long Talks, [property: Id(1)] long Audience, [property: Id(2)] long OnlineViews)
{
    public static readonly string[] Columns = ["talks", "audience", "online_views"];

    public bool IsZero => this == default;

    public static TalkFigures operator +(TalkFigures a, TalkFigures b) => new(a.Talks + b.Talks, a.Audience + b.Audience, a.OnlineViews + b.OnlineViews);

    public static TalkFigures operator -(TalkFigures a) => new(-a.Talks, -a.Audience, -a.OnlineViews);

    public long[] ToColumns() => [Talks, Audience, OnlineViews];

    public static TalkFigures FromColumns(IReadOnlyList<long> v) => new(v[0], v[1], v[2]);
}
