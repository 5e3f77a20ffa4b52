using Grassroots.Domain.Caching;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Regions;
using Grassroots.Domain;

using Grassroots.Silo.Security;
using Grassroots.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Silo.Apis;

/// <summary>
/// The honoree leaderboard (劳模宣讲榜): honorees ranked by talks, then audience, nationally or for the talks held in
/// one province. Computed from honoree_rollups, summed over writer shards, so it moves with every talk logged.
/// </summary>
public static class HonoreeLeaderboardApi
{
    public const int DefaultTop = 20, MaxTop = 100;

    public static RouteGroupBuilder MapHonoreeLeaderboardApi(this RouteGroupBuilder api)
    {
        api.MapGet("reports/honorees", GetLeaderboardAsync).WithTags("Reports").WithName("GetHonoreeLeaderboard")
            .WithSummary("Honorees ranked by talks, then audience (optionally one campaign; CN or the talks held in one province).")
            .WithDescription("A joint talk (several honorees at one talk) counts once for each of its honorees, with its whole audience " +
                "and views, while the rollups count it once: the talks of all honorees can add up to more than a region's honoreeTalks.");
        return api;
    }

    public static async Task<Results<Ok<HonoreeLeaderboard>, ValidationProblem, ProblemHttpResult>> GetLeaderboardAsync(
        [AsParameters] LeaderboardQuery query, CampaignDirectory campaigns, IGrainFactory grains,
        RegionDirectory regions, Database database, Access access, HttpContext context, CancellationToken cancellationToken)
    {
        var campaignId = query.campaignId.Given();
        var region = query.regionCode.Given() ?? RegionDirectory.National;
        var count = query.top.AsNumber() ?? DefaultTop;
        if (region != RegionDirectory.National && regions.Find(region)?.Level != RegionLevel.Province)
            return FieldChecks.Invalid("regionCode", new(MessageKeys.NotNationalOrProvince, region));
        if (await campaigns.CampaignProblemAsync(campaignId) is { } invalid) return invalid;
        if (!access.CanReadRegion(context.User, region)) return Access.Refused();

        var args = new List<object?>();
        string Param(object value)
        {
            args.Add(value);
            return "$" + args.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        var campaignFilter = campaignId is null ? "" : $" WHERE campaign_id = {Param(campaignId)}";
        // Talks, audience and views count where the talk was held; provinces reached counts everywhere the honoree spoke.
        var inRegion = region == RegionDirectory.National ? "1 = 1" : $"p.province_code = {Param(region)}";
        var rows = await database.QueryAsync(
            "SELECT h.honoree_id, h.name, h.title, h.province_code, " +
            $"SUM(CASE WHEN {inRegion} THEN p.talks ELSE 0 END) AS talks, " +
            $"SUM(CASE WHEN {inRegion} THEN p.audience ELSE 0 END) AS audience, " +
            $"SUM(CASE WHEN {inRegion} THEN p.online_views ELSE 0 END) AS online_views, " +
            "SUM(CASE WHEN p.talks > 0 THEN 1 ELSE 0 END) AS provinces " +
            "FROM (SELECT honoree_id, province_code, SUM(talks) AS talks, SUM(audience) AS audience, SUM(online_views) AS online_views " +
            $"FROM honoree_rollups{campaignFilter} GROUP BY honoree_id, province_code) p " +
            "JOIN honorees h ON h.honoree_id = p.honoree_id " +
            "GROUP BY h.honoree_id, h.name, h.title, h.province_code " +
            $"HAVING SUM(CASE WHEN {inRegion} THEN p.talks ELSE 0 END) > 0 " +
            $"ORDER BY 5 DESC, 6 DESC, 1 LIMIT {Param(count)}",
            args, r => (Id: r.GetString(0), Name: r.GetString(1), Title: r.GetString(2), Province: r.GetString(3),
                Talks: r.Long(4), Audience: r.Long(5), Views: r.Long(6), Provinces: r.Int(7)), cancellationToken);
        return TypedResults.Ok(new HonoreeLeaderboard(campaignId, region,
            [.. rows.Select((h, i) => new HonoreeRank(i + 1, h.Id, h.Name, h.Title, h.Province, regions.Find(h.Province)?.Name,
                h.Talks, h.Audience, h.Views, h.Provinces))]));
    }
}

/// <summary>The leaderboard; <see cref="CampaignId"/> is null when it counts every campaign.</summary>
public sealed record HonoreeLeaderboard(string? CampaignId, string RegionCode, IReadOnlyList<HonoreeRank> Items);

/// <summary>One honoree's place: <see cref="ProvinceCode"/> is the honoree's own province, not where the talks were held.</summary>
public sealed record HonoreeRank(int Rank, string HonoreeId, string Name, string Title, string ProvinceCode, string? ProvinceName,
    long Talks, long Audience, long OnlineViews, int ProvincesReached);
