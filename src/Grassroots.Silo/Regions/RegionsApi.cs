using Grassroots.Domain.Regions;
using Grassroots.Silo.Apis;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Silo.Regions;

/// <summary>The GB/T 2260 tree, served from memory.</summary>
public static class RegionsApi
{
    public static RouteGroupBuilder MapRegionsApi(this RouteGroupBuilder api)
    {
        var regions = api.MapGroup("regions").WithTags("Regions");
        regions.MapGet("{code}", GetRegion).WithName("GetRegion")
            .WithSummary("A region (CN, province, city or county) with its parent and its direct children.");
        return api;
    }

    public static Results<Ok<RegionDto>, NotFound> GetRegion([RegionCode(National = true)] string code, RegionDirectory directory) =>
        directory.Find(code) is { } region
            ? TypedResults.Ok(region.AsDto(directory.Children(code)))
            : TypedResults.NotFound();
}
