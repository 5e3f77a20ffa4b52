using System.Data.Common;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Storage;

namespace Grassroots.Domain.Records;

public sealed class PublicityItemKind : RecordKind<PublicityItem>
{
    public static readonly PublicityItemKind Instance = new();

    public override string Entity => "publicity-item";
    public override Table Table => Tables.PublicityItems;
    public override string DateField => "publishedOn";
    public override string CampaignOf(PublicityItem data) => data.CampaignId;
    public override DateOnly DayOf(PublicityItem data) => data.PublishedOn;

    public override long[] Figures(PublicityItem d)
    {
        var v = new long[Totals.Count];
        v[Totals.PublicityItemsAt] = 1;
        v[Totals.PublicityReachAt] = d.Reach ?? 0;
        return v;
    }

    public override object?[] Columns(LoggedRecord<PublicityItem> r) =>
        [r.Data.CampaignId, r.RegionCode, r.Data.Channel, r.Data.Outlet, r.Data.Title, r.Data.Url, r.Data.PublishedOn,
         r.Data.Reach, Bool(r.Voided), r.VoidReason, r.CreatedAt, r.UpdatedAt];

    public override LoggedRecord<PublicityItem> Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(3),
        new PublicityItem(r.GetString(2), r.GetString(4), r.GetString(5), r.GetString(6), r.Text(7), r.Date(8), r.NullableInt(9)),
        r.Bool(10), r.Text(11), r.Long(14), r.Timestamp(12), r.Timestamp(13));
}
