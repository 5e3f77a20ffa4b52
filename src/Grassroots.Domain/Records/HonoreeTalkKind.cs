using System.Data.Common;
using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
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

    public override IReadOnlyList<string> FigureColumns { get; } = ["0", "0", "0", "0", "0", "1", "audience", "COALESCE(online_views, 0)", "0", "0"];

    protected override long[] Figures(HonoreeTalk d) =>
        Counted((Totals.HonoreeTalksAt, 1), (Totals.TalkAudienceAt, d.Audience), (Totals.OnlineViewsAt, d.OnlineViews ?? 0));

    protected override object?[] Values(HonoreeTalk d) => [d.Title, d.HeldOn, d.Venue, d.Format, d.Audience, d.OnlineViews];

    /// <summary>Honoree ids are not in the row; <see cref="CompleteAsync"/> fills them from talk_honorees.</summary>
    public override LoggedRecord Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(3),
        new HonoreeTalk(r.GetString(2), [], r.Text(4), r.Date(5), r.GetString(6), r.GetString(7), r.Int(8), r.NullableInt(9)),
        r.Bool(10), r.Text(11), r.Long(14), r.Timestamp(12), r.Timestamp(13));

    public override async Task<LoggedRecord> CompleteAsync(LoggedRecord record, Database database)
    {
        var ids = await database.QueryAsync("SELECT honoree_id FROM talk_honorees WHERE branch_id = $1 AND talk_id = $2",
            [record.BranchId, record.RecordId], r => r.GetString(0));
        return record with { Data = (HonoreeTalk)record.Data with { HonoreeIds = [.. ids.Order(StringComparer.Ordinal)] } };
    }

    public override async Task<IReadOnlyList<LoggedRecord>> CompleteAllAsync(string branchId, IReadOnlyList<LoggedRecord> records, Database database)
    {
        var ids = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var chunk in records.Chunk(500))
        {
            var rows = await database.QueryAsync(
                $"SELECT talk_id, honoree_id FROM talk_honorees WHERE branch_id = $1 AND talk_id IN ({string.Join(", ", chunk.Select((_, i) => $"${i + 2}"))})",
                [branchId, .. chunk.Select(r => r.RecordId)], r => (Talk: r.GetString(0), Honoree: r.GetString(1)));
            foreach (var (talk, honoree) in rows)
            {
                if (!ids.TryGetValue(talk, out var list)) ids[talk] = list = [];
                list.Add(honoree);
            }
        }
        return [.. records.Select(r => r with { Data = (HonoreeTalk)r.Data with
            { HonoreeIds = [.. (ids.GetValueOrDefault(r.RecordId) ?? []).Order(StringComparer.Ordinal)] } })];
    }

    protected override async Task CheckReferencesAsync(HonoreeTalk data, IGrainFactory grains)
    {
        for (var i = 0; i < data.HonoreeIds.Count; i++)
        {
            if (await grains.GetGrain<IHonoreeGrain>(data.HonoreeIds[i]).GetAsync() is null)
                throw new FieldValidationException($"honoreeIds[{i}]", $"No honoree has the id '{data.HonoreeIds[i]}'.");
        }
    }

    public override IEnumerable<RowWrite> ExtraWrites(LoggedRecord? before, LoggedRecord after, RollupDeltas rollups)
    {
        var key = new[] { after.BranchId, after.RecordId };
        var previous = before is null ? [] : ((HonoreeTalk)before.Data).HonoreeIds;
        var now = (HonoreeTalk)after.Data;
        foreach (var gone in previous.Except(now.HonoreeIds))
            yield return new Remove(Tables.TalkHonorees, [.. key, gone]);
        foreach (var added in now.HonoreeIds.Except(previous))
            yield return new Upsert(Tables.TalkHonorees, [.. key, added], []);
        if (before is { Voided: false, Data: HonoreeTalk was })
            foreach (var id in was.HonoreeIds)
                yield return rollups.Honoree(id, was.CampaignId, before.RegionCode, -1, -was.Audience, -(was.OnlineViews ?? 0));
        if (!after.Voided)
            foreach (var id in now.HonoreeIds)
                yield return rollups.Honoree(id, now.CampaignId, after.RegionCode, 1, now.Audience, now.OnlineViews ?? 0);
    }
}
