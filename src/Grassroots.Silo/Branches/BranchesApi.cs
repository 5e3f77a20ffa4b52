using Grassroots.Domain;
using Grassroots.Domain.Branches;
using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Model;
using Grassroots.Domain.Regions;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Validation;
using IdAttribute = Grassroots.Silo.Apis.IdAttribute;

namespace Grassroots.Silo.Branches;

/// <summary>Branches (基层工会): registered against a county, the unit that logs records.</summary>
public static class BranchesApi
{
    public const int MaxName = 200, MaxSector = 200, MaxPageSize = 500, DefaultPageSize = 50;
    public static readonly Choices Kinds = new(("enterprise", "企业"), ("institution", "事业单位"), ("agency", "机关"), ("community", "社区"), ("other", "其他"));

    public static RouteGroupBuilder MapBranchesApi(this RouteGroupBuilder api)
    {
        var branches = api.MapGroup("branches").WithTags("Branches");
        branches.MapGet("{branchId}", GetBranchAsync).WithName("GetBranch")
            .WithSummary("A branch with its own totals (optionally one campaign, within from..to).");
        branches.MapPut("{branchId}", PutBranchAsync).WithName("PutBranch")
            .WithSummary("Registers (201) or corrects (200) a branch; moving it to another county keeps its past records where they were.");
        api.MapGet("regions/{code}/branches", ListBranchesInRegionAsync).WithTags("Branches").WithName("ListBranchesInRegion")
            .WithSummary("Registered branches in a region's subtree, by id, a page at a time; active means a non-voided record in the campaign.");
        return api;
    }

    public static async Task<Results<Ok<BranchDto>, NotFound, ValidationProblem, ProblemHttpResult>> GetBranchAsync([Id] string branchId,
        [AsParameters] FiguresQuery query, CampaignDirectory campaigns, IGrainFactory grains, RegionDirectory regions, Access access, HttpContext context)
    {
        var campaignId = query.campaignId.Given();
        var (first, last) = (query.from.AsDate(), query.to.AsDate());
        if ((QueryValues.PeriodProblem(first, last) ?? await campaigns.CampaignProblemAsync(campaignId)) is { } invalid) return invalid;
        if (!await access.CanActForBranchAsync(context.User, branchId)) return Access.Refused();

        var branch = grains.GetGrain<IBranchGrain>(branchId);
        if (await branch.GetAsync() is not { } profile) return TypedResults.NotFound();
        var totals = await branch.GetTotalsAsync(campaignId, first, last);
        return TypedResults.Ok(profile.AsDto(branchId, regions, totals));
    }

    public static async Task<Results<Created<BranchDto>, Ok<BranchDto>, ValidationProblem, ProblemHttpResult>> PutBranchAsync(
        [Id] string branchId, [Body] BranchRequest request, IGrainFactory grains, RegionDirectory regions, Access access, HttpContext context)
    {
        if (!await access.CanManageBranchAsync(context.User, branchId, request.RegionCode!)) return Access.Refused();

        var saved = await grains.GetGrain<IBranchGrain>(branchId).PutAsync(request.ToProfile(), Caller.Actor(context));
        var dto = saved.Entity.AsDto(branchId, regions);
        return saved.Result == PutResult.Created
            ? TypedResults.Created($"/api/branches/{Uri.EscapeDataString(branchId)}", dto)
            : TypedResults.Ok(dto);
    }

    public static async Task<Results<Ok<BranchPage>, NotFound, ValidationProblem, ProblemHttpResult>> ListBranchesInRegionAsync(
        [RegionCode(National = true)] string code, [AsParameters] BranchListQuery query, CampaignDirectory campaigns, IGrainFactory grains, RegionDirectory regions, BranchStore store, Access access, HttpContext context, CancellationToken cancellationToken)
    {
        if (regions.Find(code) is null) return TypedResults.NotFound();
        if (!access.CanReadRegion(context.User, code)) return Access.Refused();
        var campaignId = query.campaignId.Given();
        var onlyActive = query.active.Given() is { } flag ? flag == "true" : (bool?)null;
        var pageNumber = query.page.AsNumber() ?? 1;
        var size = query.pageSize.AsNumber() ?? DefaultPageSize;
        if (onlyActive is not null && campaignId is null) return FieldChecks.Invalid("campaignId", new(MessageKeys.RequiredWhenActive));
        if (await campaigns.CampaignProblemAsync(campaignId) is { } invalid) return invalid;

        return TypedResults.Ok(await PageAsync(store, regions, code, campaignId, onlyActive, pageNumber, size, cancellationToken));
    }

    /// <summary>
    /// One page of a region's registered branches by id, all or only those (not) active in a campaign: the list above and
    /// the report of branches that have not reported (ReportsApi) are this one query.
    /// </summary>
    internal static async Task<BranchPage> PageAsync(BranchStore store, RegionDirectory regions, string code, string? campaignId,
        bool? onlyActive, int pageNumber, int size, CancellationToken cancellationToken)
    {
        var (total, items) = await store.PageAsync(regions, code, campaignId, onlyActive, pageNumber, size, cancellationToken);
        return new BranchPage(pageNumber, size, total, [.. items.Select(b => new BranchListItem(b.Id, b.Name, b.RegionCode, b.MemberCount, b.Kind, b.Active))]);
    }

}

/// <summary>Figures of one campaign or of all, for records dated from..to.</summary>
[ValidatableType]
public sealed record FiguresQuery([property: Id] string? campaignId, [property: Date] string? from, [property: Date] string? to);

/// <summary>A region's branches, all or only those (not) active in a campaign, a page at a time.</summary>
[ValidatableType]
public sealed record BranchListQuery([property: Flag] string? active, [property: Id] string? campaignId, [property: Whole(1, int.MaxValue)] string? page,
    [property: Whole(1, BranchesApi.MaxPageSize)] string? pageSize);
