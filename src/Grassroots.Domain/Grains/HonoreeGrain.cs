using System.Data.Common;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Regions;
using Grassroots.Storage;

namespace Grassroots.Domain.Grains;

/// <summary>An honoree's profile; their figures come from honoree_rollups, summed over shards and provinces.</summary>
public sealed class HonoreeGrain(Database database, GroupCommitter committer, TimeProvider clock, RegionDirectory regions)
    : ProfileGrain<HonoreeProfile>(database, committer, clock), IHonoreeGrain
{
    protected override Table Table => Tables.Honorees;
    protected override string Entity => "honoree";

    protected override object?[] Columns(HonoreeProfile h) =>
        [h.Name, h.Gender, h.Ethnicity, h.Title, h.HonoredYear, h.Employer, h.ProvinceCode];

    protected override HonoreeProfile Read(DbDataReader r) =>
        new(r.GetString(1), r.Text(2), r.Text(3), r.GetString(4), r.NullableInt(5), r.Text(6), r.GetString(7));

    protected override Task CheckAsync(HonoreeProfile value) =>
        regions.Find(value.ProvinceCode)?.Level == RegionLevel.Province
            ? Task.CompletedTask
            : throw new FieldValidationException("provinceCode", $"'{value.ProvinceCode}' is not a provincial-level region code.");

    public async Task<HonoreeFigures> GetFiguresAsync(string? campaignId)
    {
        var rows = await Database.QueryAsync(
            "SELECT province_code, SUM(talks), SUM(audience), SUM(online_views) FROM honoree_rollups WHERE honoree_id = $1" +
            (campaignId is null ? "" : " AND campaign_id = $2") + " GROUP BY province_code",
            campaignId is null ? [GrainKey] : [GrainKey, campaignId], r => (Province: r.GetString(0), Talks: r.Long(1), Audience: r.Long(2), Views: r.Long(3)))
            .ConfigureAwait(false);
        return new HonoreeFigures(rows.Sum(r => r.Talks), rows.Sum(r => r.Audience), rows.Sum(r => r.Views),
            rows.Count(r => r.Talks > 0));
    }
}
