using Grassroots.Domain;
using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Honorees;
using Grassroots.Domain.Regions;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Validation;
using IdAttribute = Grassroots.Silo.Apis.IdAttribute;

namespace Grassroots.Silo.Honorees;

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
        RegionDirectory regions, HonoreeStore honorees, Access access, HttpContext context, CancellationToken cancellationToken)
    {
        var campaignId = query.campaignId.Given();
        var region = query.regionCode.Given() ?? RegionDirectory.National;
        var count = query.top.AsNumber() ?? DefaultTop;
        if (region != RegionDirectory.National && regions.Find(region)?.Level != RegionLevel.Province)
            return FieldChecks.Invalid("regionCode", new(MessageKeys.NotNationalOrProvince, region));
        if (await campaigns.CampaignProblemAsync(campaignId) is { } invalid) return invalid;
        if (!access.CanReadRegion(context.User, region)) return Access.Refused();

        var standings = await honorees.LeaderboardAsync(campaignId, region, count, cancellationToken);
        return TypedResults.Ok(new HonoreeLeaderboard(campaignId, region,
            [.. standings.Select((h, i) => new HonoreeRank(i + 1, h.Id, h.Name, h.Title, h.ProvinceCode, regions.Find(h.ProvinceCode)?.Name,
                h.Talks, h.Audience, h.OnlineViews, h.ProvincesReached))]));
    }
}

/// <summary>The leaderboard; <see cref="CampaignId"/> is null when it counts every campaign.</summary>
public sealed record HonoreeLeaderboard(string? CampaignId, string RegionCode, IReadOnlyList<HonoreeRank> Items);

/// <summary>One honoree's place: <see cref="ProvinceCode"/> is the honoree's own province, not where the talks were held.</summary>
public sealed record HonoreeRank(int Rank, string HonoreeId, string Name, string Title, string ProvinceCode, string? ProvinceName,
    long Talks, long Audience, long OnlineViews, int ProvincesReached);

/// <summary>The honoree leaderboard: one campaign or all, CN or the talks held in one province.</summary>
[ValidatableType]
public sealed record LeaderboardQuery([property: Id] string? campaignId, [property: RegionCode(National = true)] string? regionCode,
    [property: Whole(1, HonoreeLeaderboardApi.MaxTop)] string? top);
