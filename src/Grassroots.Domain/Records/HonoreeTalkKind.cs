using System.Data.Common;
using Grassroots.Domain.Honorees;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Regions;
using Grassroots.Domain.Rollups;
using Grassroots.Storage;

namespace Grassroots.Domain.Records;

/// <summary>Talks also keep their honorees in talk_honorees, and feed each honoree's figures.</summary>
public sealed class HonoreeTalkKind : RecordKind<HonoreeTalk>
{
    public override string Name => "honoree-talk";
    public override Table Table => Tables.HonoreeTalks;
    public override string DateColumn => "held_on";
    public override string DateField => "heldOn";

    public override IReadOnlyDictionary<string, string> Counts { get; } = new Dictionary<string, string>
    {
        ["honoree_talks"] = "1", ["talk_audience"] = "audience", ["online_views"] = "COALESCE(online_views, 0)",
    };

    protected override Figures Figures(HonoreeTalk d) => new() { HonoreeTalks = 1, TalkAudience = d.Audience, OnlineViews = d.OnlineViews ?? 0 };

    protected override object?[] Values(HonoreeTalk d) => [d.Title, d.HeldOn, d.Venue, d.Format, d.Audience, d.OnlineViews];

    /// <summary>Honoree ids are not in the row; <see cref="Linked"/> says where they are.</summary>
    public override LoggedRecord Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(3),
        new HonoreeTalk(r.GetString(2), [], r.Text(4), r.Date(5), r.GetString(6), r.GetString(7), r.Int(8), r.NullableInt(9)),
        r.Bool(10), r.Text(11), r.Long(15), r.Timestamp(12), r.Timestamp(13), r.GetString(14));

    public override LinkedIds Linked { get; } =
        new("talk_honorees", "talk_id", "honoree_id", (record, ids) => record with { Data = (HonoreeTalk)record.Data with { HonoreeIds = ids } });

    protected override async Task CheckReferencesAsync(HonoreeTalk data, HonoreeDirectory honorees)
    {
        if (await honorees.MissingAsync(data.HonoreeIds) is [var missing, ..])
            throw new FieldValidationException($"honoreeIds[{data.HonoreeIds.ToList().IndexOf(missing)}]", new Message(MessageKeys.NoHonoree, missing));
    }

    /// <summary>The talk's honorees as rows of talk_honorees, and each honoree's figures in the province of the talk.</summary>
    public override IEnumerable<RowWrite> ExtraWrites(LoggedRecord? before, LoggedRecord after, RegionDirectory regions)
    {
        var key = new[] { after.BranchId, after.RecordId };
        var previous = before is null ? [] : ((HonoreeTalk)before.Data).HonoreeIds;
        var now = (HonoreeTalk)after.Data;
        foreach (var gone in previous.Except(now.HonoreeIds))
            yield return new Remove(Tables.TalkHonorees, [.. key, gone]);
        foreach (var added in now.HonoreeIds.Except(previous))
            yield return new Upsert(Tables.TalkHonorees, [.. key, added], []);
        if (before is { Voided: false, Data: HonoreeTalk was })
            foreach (var id in was.HonoreeIds) yield return RollupWrites.Honoree(id, was.CampaignId, regions.ProvinceOf(before.RegionCode), -Talk(was));
        if (!after.Voided)
            foreach (var id in now.HonoreeIds) yield return RollupWrites.Honoree(id, now.CampaignId, regions.ProvinceOf(after.RegionCode), Talk(now));
    }

    private static TalkFigures Talk(HonoreeTalk talk) => new(1, talk.Audience, talk.OnlineViews ?? 0);
}
