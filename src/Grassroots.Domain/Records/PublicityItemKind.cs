using System.Data.Common;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Storage;

namespace Grassroots.Domain.Records;

public sealed class PublicityItemKind : RecordKind<PublicityItem>
{
    public override string Name => "publicity-item";
    public override Table Table => Tables.PublicityItems;
    public override string DateColumn => "published_on";
    public override string DateField => "publishedOn";

    public override IReadOnlyDictionary<string, string> Counts { get; } = new Dictionary<string, string>
    {
        ["publicity_items"] = "1", ["publicity_reach"] = "COALESCE(reach, 0)",
    };

    protected override Figures Figures(PublicityItem d) => new() { PublicityItems = 1, PublicityReach = d.Reach ?? 0 };

    protected override object?[] Values(PublicityItem d) => [d.Channel, d.Outlet, d.Title, d.Url, d.PublishedOn, d.Reach];

    public override LoggedRecord Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(3),
        new PublicityItem(r.GetString(2), r.GetString(4), r.GetString(5), r.GetString(6), r.Text(7), r.Date(8), r.NullableInt(9)),
        r.Bool(10), r.Text(11), r.Long(15), r.Timestamp(12), r.Timestamp(13), r.GetString(14));
}
