using Grassroots.Domain;
using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Regions;
using Grassroots.Domain.Rollups;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Validation;
using IdAttribute = Grassroots.Silo.Apis.IdAttribute;
using RequiredAttribute = Grassroots.Silo.Apis.RequiredAttribute;

namespace Grassroots.Silo.Rollups;

/// <summary>
/// Live figures of a region and its children, and a region's figures over time. Served from the region rollup
/// grains' memory: a read never recounts the facts.
/// </summary>
public static class RollupsApi
{
    /// <summary>Most points one series answers; a longer range needs a longer interval.</summary>
    public const int MaxPoints = 1_000;

    /// <summary>The intervals of a series, by the name a client sends.</summary>
    public static Choices IntervalNames { get; } = Choices.Of("day", "week", "month");

    private static readonly Dictionary<string, SeriesInterval> Intervals = new(StringComparer.Ordinal)
    {
        ["day"] = SeriesInterval.Day, ["week"] = SeriesInterval.Week, ["month"] = SeriesInterval.Month,
    };

    public static RouteGroupBuilder MapRollupsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("rollups").WithTags("Rollups");
        group.MapGet("{regionCode}", GetRollupAsync).WithName("GetRollup")
            .WithSummary("A region's campaign totals and each child region's, for records dated from..to.");
        group.MapGet("{regionCode}/series", GetSeriesAsync).WithName("GetRollupSeries")
            .WithSummary("A region's campaign totals per day, week (from Monday) or month.");
        return api;
    }

    private static async Task<Results<Ok<RollupResponse>, ProblemHttpResult, ValidationProblem>> GetRollupAsync(
        [RegionCode(National = true)] string regionCode, [AsParameters] CampaignFiguresQuery query,
        RegionDirectory regions, CampaignDirectory campaigns, RollupReplica rollups, TimeProvider clock, Access access, HttpContext context)
    {
        var campaignId = query.campaignId;
        var (first, last) = (query.from.AsDate(), query.to.AsDate());
        if (QueryValues.PeriodProblem(first, last) is { } invalid) return invalid;
        if (regions.Find(regionCode) is not { } region) return UnknownRegion(regionCode);
        if (!access.CanReadRegion(context.User, region.Code)) return Access.Refused();
        if (await campaigns.GetAsync(campaignId!) is null) return UnknownCampaign(campaignId!);

        // One call: the grain that holds the region holds its children's figures too.
        var view = await rollups.GetRollupAsync(region.Code, campaignId!, first, last);
        var children = new RollupChildResponse[view.Children.Count];
        for (var i = 0; i < children.Length; i++)
        {
            var child = view.Children[i];
            children[i] = new RollupChildResponse(child.Code, regions.Find(child.Code)!.Name, TotalsDto.From(child.Totals));
        }
        return TypedResults.Ok(new RollupResponse(region.Code, region.Name, LevelName(region.Level), clock.GetUtcNow(),
            TotalsDto.From(view.Totals), children));
    }

    private static async Task<Results<Ok<SeriesResponse>, ProblemHttpResult, ValidationProblem>> GetSeriesAsync(
        [RegionCode(National = true)] string regionCode, [AsParameters] SeriesQuery query,
        RegionDirectory regions, CampaignDirectory campaigns, RollupReplica rollups, TimeProvider clock, Access access, HttpContext context)
    {
        var (campaignId, interval) = (query.campaignId, query.interval);
        var (first, last) = (query.from.AsDate(), query.to.AsDate());
        if (QueryValues.PeriodProblem(first, last) is { } invalid) return invalid;
        if (regions.Find(regionCode) is not { } region) return UnknownRegion(regionCode);
        if (!access.CanReadRegion(context.User, region.Code)) return Access.Refused();
        if (await campaigns.GetAsync(campaignId!) is not { } campaign) return UnknownCampaign(campaignId!);

        // Without a range: the campaign so far.
        var today = clock.Today();
        var start = first ?? campaign.Value.StartsOn;
        var end = last ?? (campaign.Value.EndsOn is { } ends && ends < today ? ends : today);
        var kind = Intervals[interval!];
        if (start <= end && PointCount(start, end, kind) is var count and > MaxPoints)
            return FieldChecks.Invalid("interval", new(MessageKeys.TooManyPoints, count, start.Iso(), end.Iso(), MaxPoints));
        var points = start <= end
            ? await rollups.GetSeriesAsync(region.Code, campaignId!, kind, start, end)
            : [];
        return TypedResults.Ok(new SeriesResponse(region.Code, campaignId!, interval!,
            [.. points.Select(p => new SeriesPointResponse(p.Start, TotalsDto.From(p.Totals)))]));
    }

    private static int PointCount(DateOnly from, DateOnly to, SeriesInterval interval) => interval switch
    {
        SeriesInterval.Month => (to.Year * 12 + to.Month) - (from.Year * 12 + from.Month) + 1,
        SeriesInterval.Week => (to.DayNumber - (from.DayNumber - ((int)from.DayOfWeek + 6) % 7)) / 7 + 1,
        _ => to.DayNumber - from.DayNumber + 1,
    };

    private static string LevelName(RegionLevel level) => level.ToString().ToLowerInvariant();

    private static ProblemHttpResult UnknownRegion(string code) =>
        ApiProblems.Problem(StatusCodes.Status404NotFound, new(MessageKeys.NoRegion, code));

    private static ValidationProblem UnknownCampaign(string campaignId) =>
        FieldChecks.Invalid("campaignId", new(MessageKeys.NoCampaign, campaignId));
}

/// <summary>Figures of one campaign, for records dated from..to.</summary>
[ValidatableType]
public sealed record CampaignFiguresQuery([property: Required, Id] string? campaignId, [property: Date] string? from, [property: Date] string? to);

/// <summary>A campaign's figures per day, week or month.</summary>
[ValidatableType]
public sealed record SeriesQuery([property: Required, Id] string? campaignId, [property: Required, OneOf(typeof(RollupsApi), nameof(RollupsApi.IntervalNames))] string? interval,
    [property: Date] string? from, [property: Date] string? to);
