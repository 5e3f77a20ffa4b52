using System.Data.Common;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Storage;

namespace Grassroots.Domain.Records;

public sealed class StudySessionKind : RecordKind<StudySession>
{
    public override string Name => "study-session";
    public override Table Table => Tables.StudySessions;
    public override string DateColumn => "held_on";
    public override string DateField => "heldOn";

    public override IReadOnlyDictionary<string, string> Counts { get; } = new Dictionary<string, string>
    {
        ["study_sessions"] = "1", ["attendance"] = "attendees", ["frontline"] = "COALESCE(frontline, 0)", ["youth"] = "COALESCE(youth, 0)",
        ["women"] = "COALESCE(women, 0)", ["online_views"] = "COALESCE(online_views, 0)",
    };

    protected override Figures Figures(StudySession d) => new()
    {
        StudySessions = 1, Attendance = d.Attendees.Total, Frontline = d.Attendees.Frontline ?? 0, Youth = d.Attendees.Youth ?? 0,
        Women = d.Attendees.Women ?? 0, OnlineViews = d.OnlineViews ?? 0,
    };

    protected override object?[] Values(StudySession d) =>
        [d.Title, d.HeldOn, d.Format, d.Kind, d.Attendees.Total, d.Attendees.Frontline, d.Attendees.Youth, d.Attendees.Women, d.OnlineViews, d.Notes];

    public override LoggedRecord Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(3),
        new StudySession(r.GetString(2), r.GetString(4), r.Date(5), r.GetString(6), r.Text(7),
            new Attendance(r.Int(8), r.NullableInt(9), r.NullableInt(10), r.NullableInt(11)), r.NullableInt(12), r.Text(13)),
        r.Bool(14), r.Text(15), r.Long(19), r.Timestamp(16), r.Timestamp(17), r.GetString(18));
}
