using System.Data.Common;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Storage;

namespace Grassroots.Domain.Records;

public sealed class StudySessionKind : RecordKind<StudySession>
{
    public static readonly StudySessionKind Instance = new();

    public override string Entity => "study-session";
    public override Table Table => Tables.StudySessions;
    public override string DateField => "heldOn";
    public override string CampaignOf(StudySession data) => data.CampaignId;
    public override DateOnly DayOf(StudySession data) => data.HeldOn;

    public override long[] Figures(StudySession d)
    {
        var v = new long[Totals.Count];
        v[Totals.StudySessionsAt] = 1;
        v[Totals.AttendanceAt] = d.Attendees.Total;
        v[Totals.FrontlineAt] = d.Attendees.Frontline ?? 0;
        v[Totals.YouthAt] = d.Attendees.Youth ?? 0;
        v[Totals.WomenAt] = d.Attendees.Women ?? 0;
        v[Totals.OnlineViewsAt] = d.OnlineViews ?? 0;
        return v;
    }

    public override object?[] Columns(LoggedRecord<StudySession> r) =>
        [r.Data.CampaignId, r.RegionCode, r.Data.Title, r.Data.HeldOn, r.Data.Format, r.Data.Kind, r.Data.Attendees.Total,
         r.Data.Attendees.Frontline, r.Data.Attendees.Youth, r.Data.Attendees.Women, r.Data.OnlineViews, r.Data.Notes,
         Bool(r.Voided), r.VoidReason, r.CreatedAt, r.UpdatedAt];

    public override LoggedRecord<StudySession> Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(3),
        new StudySession(r.GetString(2), r.GetString(4), r.Date(5), r.GetString(6), r.Text(7),
            new Attendance(r.Int(8), r.NullableInt(9), r.NullableInt(10), r.NullableInt(11)), r.NullableInt(12), r.Text(13)),
        r.Bool(14), r.Text(15), r.Long(18), r.Timestamp(16), r.Timestamp(17));
}
