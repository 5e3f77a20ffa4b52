using Grassroots.Domain.Regions;

namespace Grassroots.Silo.Regions;

// Wire shapes of the regions.

public sealed record RegionDto(string Code, string Name, string Level, string? ParentCode, IReadOnlyList<RegionChildDto> Children);

public sealed record RegionChildDto(string Code, string Name);

public static class RegionMapping
{
    public static RegionDto AsDto(this Region r, IEnumerable<Region> children) => new(r.Code, r.Name,
        r.Level.ToString().ToLowerInvariant(), r.ParentCode, [.. children.Select(c => new RegionChildDto(c.Code, c.Name))]);
}
