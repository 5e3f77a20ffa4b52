using System.Data.Common;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Storage;

namespace Grassroots.Domain.Records;

/// <summary>劳动和技能竞赛: counts one competition, its participants (person-times) and its awardees on the day it starts.</summary>
public sealed class CompetitionKind : RecordKind<Competition>
{
    public override string Name => "competition";
    public override Table Table => Tables.Competitions;
    public override string DateColumn => "starts_on";
    public override string DateField => "startsOn";

    public override IReadOnlyDictionary<string, string> Counts { get; } = new Dictionary<string, string>
    {
        ["competitions"] = "1", ["competition_participants"] = "participants", ["awardees"] = "COALESCE(awardees, 0)",
    };

    protected override Figures Figures(Competition d) => new()
    {
        Competitions = 1, CompetitionParticipants = d.Participants.Total, Awardees = d.Awardees ?? 0,
    };

    protected override object?[] Values(Competition d) =>
        [d.Title, d.Kind, d.StartsOn, d.EndsOn, d.Participants.Total, d.Participants.Frontline, d.Participants.Youth, d.Participants.Women,
         d.Awardees, d.Notes];

    public override LoggedRecord Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(3),
        new Competition(r.GetString(2), r.GetString(4), r.GetString(5), r.Date(6), r.NullableDate(7),
            new Attendance(r.Int(8), r.NullableInt(9), r.NullableInt(10), r.NullableInt(11)), r.NullableInt(12), r.Text(13)),
        r.Bool(14), r.Text(15), r.Long(19), r.Timestamp(16), r.Timestamp(17), r.GetString(18));
}
