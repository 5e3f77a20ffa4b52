using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Model;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using IdAttribute = Grassroots.Silo.Apis.IdAttribute;

namespace Grassroots.Silo.Campaigns;

/// <summary>Campaigns (学习宣传贯彻活动): the period every record is logged against.</summary>
public static class CampaignsApi
{
    public const int MaxTitle = 200, MaxDescription = 2000;

    public static RouteGroupBuilder MapCampaignsApi(this RouteGroupBuilder api)
    {
        var campaigns = api.MapGroup("campaigns").WithTags("Campaigns");
        campaigns.MapGet("", ListCampaignsAsync).WithName("ListCampaigns").WithSummary("Every campaign, the latest start first.");
        campaigns.MapGet("{campaignId}", GetCampaignAsync).WithName("GetCampaign").WithSummary("One campaign.");
        campaigns.MapPut("{campaignId}", PutCampaignAsync).WithName("PutCampaign")
            .WithSummary("Creates (201) or corrects (200) a campaign; the same body again changes nothing.");
        return api;
    }

    public static async Task<Ok<CampaignList>> ListCampaignsAsync(CampaignTable campaigns, CancellationToken cancellationToken) =>
        // Read from the table rather than grains: there is no grain that knows every campaign.
        TypedResults.Ok(new CampaignList([.. (await campaigns.ListAsync(cancellationToken)).Select(c => c.AsDto())]));

    public static async Task<Results<Ok<CampaignDto>, NotFound, ValidationProblem>> GetCampaignAsync([Id] string campaignId, IGrainFactory grains) =>
        await grains.GetGrain<ICampaignGrain>(campaignId).GetAsync() is { } campaign
            ? TypedResults.Ok(campaign.AsDto())
            : TypedResults.NotFound();

    public static async Task<Results<Created<CampaignDto>, Ok<CampaignDto>, ValidationProblem, ProblemHttpResult>> PutCampaignAsync(
        [Id] string campaignId, [Body] CampaignRequest request, IGrainFactory grains, HttpContext context)
    {
        if (!Access.CanManageCampaigns(context.User)) return Access.Refused();

        var saved = await grains.GetGrain<ICampaignGrain>(campaignId).PutAsync(request.ToCampaign(campaignId), Caller.Actor(context));
        var dto = saved.Entity.AsDto();
        return saved.Result == PutResult.Created
            ? TypedResults.Created($"/api/campaigns/{Uri.EscapeDataString(campaignId)}", dto)
            : TypedResults.Ok(dto);
    }
}
