using Grassroots.Domain;
using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Honorees;
using Grassroots.Domain.Model;
using Grassroots.Domain.Regions;
using Grassroots.Domain.Rollups;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Validation;
using IdAttribute = Grassroots.Silo.Apis.IdAttribute;

namespace Grassroots.Silo.Honorees;

/// <summary>Honorees (劳模、先进工作者、工匠) who give talks; their figures come from the talks that name them.</summary>
public static class HonoreesApi
{
    public const int MaxName = 200, MaxEthnicity = 50, MaxEmployer = 200, FirstHonoredYear = 1900, MaxPageSize = 500, DefaultPageSize = 50;
    public static readonly Choices Genders = new(("female", "女"), ("male", "男"));
    public static readonly Choices Titles = new(("national-model-worker", "全国劳动模范"), ("national-advanced-worker", "全国先进工作者"),
        ("may-day-medal", "全国五一劳动奖章"), ("great-craftsman", "大国工匠"), ("provincial-model-worker", "省（部）级劳动模范"), ("other", "其他"));

    public static RouteGroupBuilder MapHonoreesApi(this RouteGroupBuilder api)
    {
        var honorees = api.MapGroup("honorees").WithTags("Honorees");
        honorees.MapGet("", FindHonoreesAsync).WithName("FindHonorees")
            .WithSummary("Honorees whose name contains the given text (optionally of one province), by name, a page at a time.");
        honorees.MapGet("{honoreeId}", GetHonoreeAsync).WithName("GetHonoree")
            .WithSummary("An honoree with talks given, audience, online views and provinces reached (optionally one campaign).");
        honorees.MapPut("{honoreeId}", PutHonoreeAsync).WithName("PutHonoree")
            .WithSummary("Creates (201) or corrects (200) an honoree; the same body again changes nothing.");
        return api;
    }

    public static async Task<Results<Ok<HonoreeDto>, NotFound, ValidationProblem>> GetHonoreeAsync([Id] string honoreeId,
        [AsParameters] CampaignQuery query, CampaignDirectory campaigns, IGrainFactory grains, RollupReplica rollups, RegionDirectory regions)
    {
        var campaignId = query.campaignId.Given();
        if (await campaigns.CampaignProblemAsync(campaignId) is { } invalid) return invalid;

        if (await grains.GetGrain<IHonoreeGrain>(honoreeId).GetAsync() is not { } profile) return TypedResults.NotFound();
        return TypedResults.Ok(profile.AsDto(honoreeId, regions, await rollups.GetHonoreeAsync(honoreeId, campaignId)));
    }

    /// <summary>
    /// A search by name, so a branch officer can pick the honorees of a talk without knowing their ids. Read from the
    /// honorees table (as the campaign list is): no grain knows every honoree.
    /// </summary>
    public static async Task<Results<Ok<HonoreePage>, ValidationProblem>> FindHonoreesAsync([AsParameters] HonoreeSearchQuery query,
        HonoreeStore store, RegionDirectory regions, CancellationToken cancellationToken)
    {
        var (name, provinceCode) = (query.name, query.provinceCode);
        var pageNumber = query.page.AsNumber() ?? 1;
        var size = query.pageSize.AsNumber() ?? DefaultPageSize;
        var (total, found) = await store.FindAsync(name.Given(), provinceCode.Given(), pageNumber, size, cancellationToken);
        var items = found.Select(h => new HonoreeListItem(h.Id, h.Name, h.Title, h.ProvinceCode, regions.Find(h.ProvinceCode)?.Name, h.Employer))
            .ToList();
        return TypedResults.Ok(new HonoreePage(pageNumber, size, total, items));
    }

    public static async Task<Results<Created<HonoreeDto>, Ok<HonoreeDto>, ValidationProblem, ProblemHttpResult>> PutHonoreeAsync(
        [Id] string honoreeId, [Body] HonoreeRequest request, IGrainFactory grains, RegionDirectory regions, Access access, HttpContext context)
    {
        if (!await access.CanManageHonoreeAsync(context.User, honoreeId, request.ProvinceCode!)) return Access.Refused();

        var saved = await grains.GetGrain<IHonoreeGrain>(honoreeId).PutAsync(request.ToProfile(), Caller.Actor(context));
        var dto = saved.Entity.AsDto(honoreeId, regions);
        return saved.Result == PutResult.Created
            ? TypedResults.Created($"/api/honorees/{Uri.EscapeDataString(honoreeId)}", dto)
            : TypedResults.Ok(dto);
    }
}

/// <summary>An honoree's figures in one campaign or all.</summary>
[ValidatableType]
public sealed record CampaignQuery([property: Id] string? campaignId);

/// <summary>Honorees by a part of their name, optionally of one province.</summary>
[ValidatableType]
public sealed record HonoreeSearchQuery([property: Text(HonoreesApi.MaxName)] string? name, [property: RegionCode(Level = RegionCodeLevel.Province)] string? provinceCode,
    [property: Whole(1, int.MaxValue)] string? page, [property: Whole(1, HonoreesApi.MaxPageSize)] string? pageSize);
