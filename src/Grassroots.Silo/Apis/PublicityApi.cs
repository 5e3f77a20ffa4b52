using Grassroots.Domain;
using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Records;

using Grassroots.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Silo.Apis;

/// <summary>Publicity items (宣传报道) in newspapers, on TV, WeChat, 学习强国…: items and their reach.</summary>
public static class PublicityApi
{
    public const int MaxOutlet = 200, MaxTitle = 200, MaxUrl = 2048;
    public static readonly Choices Channels = new(("newspaper", "报纸"), ("tv", "电视台"), ("website", "网站"), ("wechat", "微信公众号"),
        ("xuexi", "学习强国"), ("short-video", "短视频"), ("exhibition", "展板"), ("other", "其他"));

    private static readonly RecordResource<IPublicityItemGrain, PublicityItem, PublicityResponse> Resource =
        new("publicity item", PublicityResponse.From);

    public static RouteGroupBuilder MapPublicityApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("branches/{branchId}/publicity").WithTags("Publicity");
        group.MapPut("{itemId}", PutPublicityItemAsync).WithName("PutPublicityItem")
            .WithSummary("Logs or corrects a publicity item; the same body twice changes nothing.");
        group.MapGet("{itemId}", GetPublicityItemAsync).WithName("GetPublicityItem")
            .WithSummary("A publicity item with its version and whether it was voided.");
        group.MapDelete("{itemId}", VoidPublicityItemAsync).WithName("VoidPublicityItem")
            .WithSummary("Voids a publicity item (reason required): it leaves every rollup and stays readable.");
        return api;
    }

    private static async Task<Results<Created<PublicityResponse>, Ok<PublicityResponse>, ValidationProblem, ProblemHttpResult>> PutPublicityItemAsync(
        [Id] string branchId, [Id] string itemId, [Body] PublicityRequest request, IGrainFactory grains, RecordIntake intake, Access access, HttpContext context)
    {
        return await Resource.PutAsync(grains, intake, access, branchId, itemId, ToRecord(request), context);
    }

    /// <summary>The domain record of a valid request (imports build theirs here too).</summary>
    internal static PublicityItem ToRecord(PublicityRequest request) => new(request.CampaignId!, request.Channel!, request.Outlet!,
        request.Title!, request.Url, request.PublishedOn!.Value, request.Reach);

    private static Task<Results<Ok<PublicityResponse>, ProblemHttpResult, ValidationProblem>> GetPublicityItemAsync(
        [Id] string branchId, [Id] string itemId, IGrainFactory grains, Access access, HttpContext context) =>
        Resource.GetAsync(grains, access, branchId, itemId, context);

    private static Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> VoidPublicityItemAsync(
        [Id] string branchId, [Id] string itemId, [AsParameters] VoidQuery query, IGrainFactory grains, Access access, HttpContext context) =>
        Resource.VoidAsync(grains, access, branchId, itemId, query.reason, context);
}
