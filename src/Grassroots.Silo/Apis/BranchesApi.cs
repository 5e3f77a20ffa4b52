using Grassroots.Domain.Caching;
using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Regions;
using Grassroots.Domain;

using Grassroots.Silo.Security;
using Grassroots.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Silo.Apis;

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
        [RegionCode(National = true)] string code, [AsParameters] BranchListQuery query, CampaignDirectory campaigns, IGrainFactory grains, RegionDirectory regions, Database database, Access access, HttpContext context, CancellationToken cancellationToken)
    {
        if (regions.Find(code) is null) return TypedResults.NotFound();
        if (!access.CanReadRegion(context.User, code)) return Access.Refused();
        var campaignId = query.campaignId.Given();
        var onlyActive = query.active.Given() is { } flag ? flag == "true" : (bool?)null;
        var pageNumber = query.page.AsNumber() ?? 1;
        var size = query.pageSize.AsNumber() ?? DefaultPageSize;
        if (onlyActive is not null && campaignId is null) return FieldChecks.Invalid("campaignId", new(MessageKeys.RequiredWhenActive));
        if (await campaigns.CampaignProblemAsync(campaignId) is { } invalid) return invalid;

        return TypedResults.Ok(await PageAsync(database, regions, code, campaignId, onlyActive, pageNumber, size, cancellationToken));
    }

    /// <summary>
    /// One page of a region's registered branches by id, all or only those (not) active in a campaign: the list above and
    /// the report of branches that have not reported (ReportsApi) are this one query.
    /// </summary>
    internal static async Task<BranchPage> PageAsync(Database database, RegionDirectory regions, string code, string? campaignId,
        bool? onlyActive, int pageNumber, int size, CancellationToken cancellationToken)
    {
        var query = new BranchQuery(code, campaignId, onlyActive, regions);
        var total = (await database.QueryAsync($"SELECT COUNT(*) FROM branches b{query.Where}", query.Args,
            r => r.Long(0), cancellationToken))[0];
        var items = await database.QueryAsync(
            $"SELECT b.branch_id, b.name, b.region_code, b.member_count, b.kind{query.ActiveColumn} FROM branches b{query.Where} " +
            $"ORDER BY b.branch_id LIMIT ${query.Args.Count + 1} OFFSET ${query.Args.Count + 2}",
            [.. query.Args, size, (long)(pageNumber - 1) * size],
            r => new BranchListItem(r.GetString(0), r.GetString(1), r.GetString(2), r.Int(3), r.Text(4),
                campaignId is null ? null : r.Int(5) == 1), cancellationToken);
        return new BranchPage(pageNumber, size, total, items);
    }

    /// <summary>
    /// The filter of a region's branch list, as plain SQL both databases run. Parameters are only added for
    /// what is asked, since PostgreSQL cannot infer the type of a NULL parameter.
    /// </summary>
    private sealed class BranchQuery
    {
        private readonly List<object?> _args = [];

        public BranchQuery(string code, string? campaignId, bool? onlyActive, RegionDirectory regions)
        {
            var conditions = new List<string>();
            // CN holds every branch; elsewhere the subtree is known from memory, so no recursive query is needed.
            if (code != RegionDirectory.National)
                conditions.Add($"b.region_code IN ({string.Join(", ", Subtree(code, regions).Select(Param))})");
            if (campaignId is not null)
            {
                var c = Param(campaignId);
                // Active for a campaign: any non-voided record of it (records cannot be dated in the future).
                var active = string.Join(" OR ",
                    new[] { "study_sessions", "honoree_talks", "publicity_items" }.Select(t =>
                        $"EXISTS (SELECT 1 FROM {t} r WHERE r.branch_id = b.branch_id AND r.campaign_id = {c} AND NOT r.voided)"));
                ActiveColumn = $", CASE WHEN {active} THEN 1 ELSE 0 END";
                if (onlyActive is { } wanted) conditions.Add(wanted ? $"({active})" : $"NOT ({active})");
            }
            Where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
        }

        public string Where { get; }
        public string ActiveColumn { get; } = "";
        public IReadOnlyList<object?> Args => _args;

        private string Param(object? value)
        {
            _args.Add(value);
            return "$" + _args.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        private static IEnumerable<string> Subtree(string code, RegionDirectory regions) =>
            regions.Children(code).SelectMany(c => Subtree(c.Code, regions)).Prepend(code);
    }
}
