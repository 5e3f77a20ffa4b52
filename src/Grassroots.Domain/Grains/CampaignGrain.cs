using System.Data.Common;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Storage;

namespace Grassroots.Domain.Grains;

public sealed class CampaignGrain(Database database, GroupCommitter committer, TimeProvider clock)
    : ProfileGrain<Campaign>(database, committer, clock), ICampaignGrain
{
    protected override Table Table => Tables.Campaigns;
    protected override string Entity => "campaign";

    protected override object?[] Columns(Campaign c) => [c.Title, c.StartsOn, c.EndsOn, c.Description];

    protected override Campaign Read(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.Date(2), r.NullableDate(3), r.Text(4));

    protected override Task CheckAsync(Campaign value)
    {
        if (value.Id != GrainKey) throw new FieldValidationException("campaignId", "The campaign id must match the path.");
        if (value.EndsOn < value.StartsOn) throw new FieldValidationException("endsOn", "endsOn is before startsOn.");
        return Task.CompletedTask;
    }
}
