using System.Data.Common;
using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Regions;
using Grassroots.Domain.Rollups;
using Grassroots.Storage;

namespace Grassroots.Domain.Grains;

/// <summary>
/// An honoree's profile (a fact row) and the figures of the talks that name them: honoree_rollups rows per campaign and
/// province, summed over shards, held in memory and kept current by the rows silos deliver as they commit them.
/// </summary>
[GrainType(Constants.GrainTypes.Honoree)]
public sealed class HonoreeGrain(Database database, GroupCommitter committer, TimeProvider clock, RegionDirectory regions, LocalRollupHolders holders)
    : ProfileGrain<HonoreeProfile>(database, committer, clock), IHonoreeGrain
{
    private readonly ShardedRows<(string Campaign, string Province)> _rows = new();

    protected override Table Table => Tables.Honorees;
    protected override string Entity => "honoree";

    protected override object?[] Columns(HonoreeProfile h) =>
        [h.Name, h.Gender, h.Ethnicity, h.Title, h.HonoredYear, h.Employer, h.ProvinceCode];

    protected override HonoreeProfile Read(DbDataReader r) =>
        new(r.GetString(1), r.Text(2), r.Text(3), r.GetString(4), r.NullableInt(5), r.Text(6), r.GetString(7));

    protected override void Check(HonoreeProfile value)
    {
        if (regions.Find(value.ProvinceCode)?.Level != RegionLevel.Province)
            throw new FieldValidationException("provinceCode", $"'{value.ProvinceCode}' is not a provincial-level region code.");
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        await LoadFiguresAsync(shard: null);
        var self = this.AsReference<IHonoreeGrain>();
        holders.Add(this.GetGrainId(), self.ResyncShardAsync);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        holders.Remove(this.GetGrainId());
        return Task.CompletedTask;
    }

    public Task<HonoreeFigures> GetFiguresAsync(string? campaignId)
    {
        var byProvince = new Dictionary<string, long[]>();
        foreach (var (campaign, province) in _rows.Keys)
        {
            if (campaignId is not null && campaign != campaignId) continue;
            if (!byProvince.TryGetValue(province, out var sum)) byProvince[province] = sum = new long[3];
            _rows.AddTo((campaign, province), sum);
        }
        return Task.FromResult(new HonoreeFigures(byProvince.Values.Sum(v => v[0]), byProvince.Values.Sum(v => v[1]),
            byProvince.Values.Sum(v => v[2]), byProvince.Values.Count(v => v[0] > 0)));
    }

    public async Task ApplyAsync(RollupDelivery<HonoreeRow> delivery)
    {
        if (delivery.After is not { } after || after > _rows.Newest(delivery.Shard)) await LoadFiguresAsync(delivery.Shard);
        foreach (var row in delivery.Rows) _rows.Apply(delivery.Shard, (row.CampaignId, row.ProvinceCode), row.Values, row.Seq);
        _rows.HeldUpTo(delivery.Shard, delivery.Seq);
    }

    public Task ResyncShardAsync(string shard) => LoadFiguresAsync(shard);

    private async Task LoadFiguresAsync(string? shard)
    {
        var rows = await Database.QueryAsync(
            "SELECT shard, campaign_id, province_code, talks, audience, online_views, seq FROM honoree_rollups WHERE honoree_id = $1" +
            (shard is null ? "" : " AND shard = $2"),
            shard is null ? [Key] : [Key, shard],
            r => (Shard: r.GetString(0), Row: new HonoreeRow(r.GetString(1), r.GetString(2), [r.Long(3), r.Long(4), r.Long(5)], r.Long(6))))
            .Translated();
        foreach (var (rowShard, row) in rows) _rows.Apply(rowShard, (row.CampaignId, row.ProvinceCode), row.Values, row.Seq);
        if (shard is not null) _rows.HeldUpTo(shard, rows.Count == 0 ? -1 : rows.Max(r => r.Row.Seq));
    }
}
