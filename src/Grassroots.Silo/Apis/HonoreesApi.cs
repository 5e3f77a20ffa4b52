using Grassroots.Domain;
using Grassroots.Domain.Caching;
using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Regions;

using Grassroots.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Silo.Apis;

/// <summary>Honorees (劳模、先进工作者、工匠) who give talks; their figures come from the talks that name them.</summary>
public static class HonoreesApi
{
    public const int MaxName = 200, MaxEthnicity = 50, MaxEmployer = 200, FirstHonoredYear = 1900;
    public static readonly string[] Genders = ["female", "male"];
    public static readonly string[] Titles =
        ["national-model-worker", "national-advanced-worker", "may-day-medal", "great-craftsman", "provincial-model-worker", "other"];

    public static RouteGroupBuilder MapHonoreesApi(this RouteGroupBuilder api)
    {
        var honorees = api.MapGroup("honorees").WithTags("Honorees");
        honorees.MapGet("{honoreeId}", GetHonoreeAsync).WithName("GetHonoree")
            .WithSummary("An honoree with talks given, audience, online views and provinces reached (optionally one campaign).");
        honorees.MapPut("{honoreeId}", PutHonoreeAsync).WithName("PutHonoree")
            .WithSummary("Creates (201) or corrects (200) an honoree; the same body again changes nothing.");
        return api;
    }

    public static async Task<Results<Ok<HonoreeDto>, NotFound, ValidationProblem>> GetHonoreeAsync([Id] string honoreeId,
        [Id] string? campaignId, CampaignDirectory campaigns, IGrainFactory grains, RegionDirectory regions)
    {
        campaignId = campaignId.Given();
        var v = new Validator();
        await v.CampaignAsync(campaigns, campaignId);
        if (!v.IsValid) return v.AsValidationProblem();

        var honoree = grains.GetGrain<IHonoreeGrain>(honoreeId);
        if (await honoree.GetAsync() is not { } profile) return TypedResults.NotFound();
        return TypedResults.Ok(profile.AsDto(honoreeId, regions, await honoree.GetFiguresAsync(campaignId)));
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
