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
/// province, summed over shards, held in memory and kept current by what silos' aggregators send as batches commit.
/// </summary>
[GrainType(Constants.GrainTypes.Honoree)]
public sealed class HonoreeGrain(Database database, FactCommitter committer, TimeProvider clock, RegionDirectory regions, LocalRollupHolders holders)
    : ProfileGrain<HonoreeProfile>(database, committer, clock), IHonoreeGrain
{
    private HeldFigures<Dictionary<(string Campaign, string Province), TalkFigures>>? _figures;

    protected override Table Table => Tables.Honorees;
    protected override string Entity => "honoree";

    protected override object?[] Columns(HonoreeProfile h) =>
        [h.Name, h.Gender, h.Ethnicity, h.Title, h.HonoredYear, h.Employer, h.ProvinceCode];

    protected override HonoreeProfile Read(DbDataReader r) =>
        new(r.GetString(1), r.Text(2), r.Text(3), r.GetString(4), r.NullableInt(5), r.Text(6), r.GetString(7));

    protected override (string?, string?) Owner(HonoreeProfile value) => (null, value.ProvinceCode);

    protected override void Check(HonoreeProfile value)
    {
        if (regions.Find(value.ProvinceCode)?.Level != RegionLevel.Province)
            throw new FieldValidationException("provinceCode", $"'{value.ProvinceCode}' is not a provincial-level region code.");
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        _figures = new(LoadFiguresAsync);
        await _figures.LoadAsync();
        var self = this.AsReference<IHonoreeGrain>();
        holders.Add(this.GetGrainId(), self.ReloadAsync);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        holders.Remove(this.GetGrainId());
        return Task.CompletedTask;
    }

    public Task<HonoreeFigures> GetFiguresAsync(string? campaignId)
    {
        var byProvince = new Dictionary<string, TalkFigures>();
        foreach (var ((campaign, province), figures) in _figures!.State)
        {
            if (campaignId is not null && campaign != campaignId) continue;
            byProvince[province] = byProvince.GetValueOrDefault(province) + figures;
        }
        var all = byProvince.Values.Aggregate(default(TalkFigures), (a, b) => a + b);
        return Task.FromResult(new HonoreeFigures(all.Talks, all.Audience, all.OnlineViews, byProvince.Values.Count(v => v.Talks > 0)));
    }

    public Task<long> ApplyAsync(RollupDelivery<HonoreeProvince> delivery) => _figures!.ApplyAsync(delivery, static (figures, change) =>
        figures[(change.CampaignId, change.Province)] = figures.GetValueOrDefault((change.CampaignId, change.Province)) + change.Figures);

    public Task ReloadAsync() => _figures!.LoadAsync();

    private Task<(Dictionary<(string, string), TalkFigures>, IReadOnlyDictionary<string, long>)> LoadFiguresAsync() =>
        Database.InSnapshotAsync(async snapshot =>
        {
            var figures = (await snapshot.QueryAsync(
                    "SELECT campaign_id, province_code, SUM(talks), SUM(audience), SUM(online_views) FROM honoree_rollups " +
                    "WHERE honoree_id = $1 GROUP BY campaign_id, province_code",
                    [Key], r => (Key: (r.GetString(0), r.GetString(1)), Figures: new TalkFigures(r.Long(2), r.Long(3), r.Long(4)))))
                .ToDictionary(x => x.Key, x => x.Figures);
            var seqs = (await snapshot.QueryAsync("SELECT shard, seq FROM shards", [], r => (r.GetString(0), r.Long(1)))).ToDictionary();
            return (figures, (IReadOnlyDictionary<string, long>)seqs);
        });
}
