using System.Data.Common;
using Grassroots.Domain.Grains;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Rollups;
using Grassroots.Runtime;
using Grassroots.Storage;

namespace Grassroots.Domain.Records;

/// <summary>Talks also keep their honorees in talk_honorees, and feed each honoree's figures.</summary>
public sealed class HonoreeTalkKind : RecordKind<HonoreeTalk>
{
    public static readonly HonoreeTalkKind Instance = new();

    public override string Entity => "honoree-talk";
    public override Table Table => Tables.HonoreeTalks;
    public override string DateField => "heldOn";
    public override string CampaignOf(HonoreeTalk data) => data.CampaignId;
    public override DateOnly DayOf(HonoreeTalk data) => data.HeldOn;

    public override long[] Figures(HonoreeTalk d)
    {
        var v = new long[Totals.Count];
        v[Totals.HonoreeTalksAt] = 1;
        v[Totals.TalkAudienceAt] = d.Audience;
        v[Totals.OnlineViewsAt] = d.OnlineViews ?? 0;
        return v;
    }

    public override object?[] Columns(LoggedRecord<HonoreeTalk> r) =>
        [r.Data.CampaignId, r.RegionCode, r.Data.Title, r.Data.HeldOn, r.Data.Venue, r.Data.Format, r.Data.Audience,
         r.Data.OnlineViews, Bool(r.Voided), r.VoidReason, r.CreatedAt, r.UpdatedAt];

    /// <summary>Honoree ids are not in the row; the grain fills them from talk_honorees.</summary>
    public override LoggedRecord<HonoreeTalk> Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(3),
        new HonoreeTalk(r.GetString(2), [], r.Text(4), r.Date(5), r.GetString(6), r.GetString(7), r.Int(8), r.NullableInt(9)),
        r.Bool(10), r.Text(11), r.Long(14), r.Timestamp(12), r.Timestamp(13));

    public override async Task CheckReferencesAsync(HonoreeTalk data, IGrainFactory grains)
    {
        for (var i = 0; i < data.HonoreeIds.Count; i++)
        {
            if (await grains.Get<IHonoreeGrain>(data.HonoreeIds[i]).GetAsync().ConfigureAwait(false) is null)
                throw new FieldValidationException($"honoreeIds[{i}]", $"No honoree has the id '{data.HonoreeIds[i]}'.");
        }
    }

    public override IEnumerable<RowWrite> ExtraWrites(LoggedRecord<HonoreeTalk>? before, LoggedRecord<HonoreeTalk> after, RollupDeltas rollups)
    {
        var key = new[] { after.BranchId, after.RecordId };
        var previous = before?.Data.HonoreeIds ?? [];
        foreach (var gone in previous.Except(after.Data.HonoreeIds))
            yield return new Remove(Tables.TalkHonorees, [.. key, gone]);
        foreach (var added in after.Data.HonoreeIds.Except(previous))
            yield return new Upsert(Tables.TalkHonorees, [.. key, added], []);
        if (before is { Voided: false })
            foreach (var id in before.Data.HonoreeIds)
                yield return rollups.Honoree(id, before.Data.CampaignId, before.RegionCode, -1, -before.Data.Audience, -(before.Data.OnlineViews ?? 0));
        if (!after.Voided)
            foreach (var id in after.Data.HonoreeIds)
                yield return rollups.Honoree(id, after.Data.CampaignId, after.RegionCode, 1, after.Data.Audience, after.Data.OnlineViews ?? 0);
    }
}
