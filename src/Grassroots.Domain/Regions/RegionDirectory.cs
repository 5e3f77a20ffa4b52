using System.Collections.Frozen;

namespace Grassroots.Domain.Regions;

/// <summary>
/// The GB/T 2260 tree in memory (about 3,200 divisions), loaded once at start. Branches register against a
/// leaf: a county, or a city that has no counties (东莞, 中山, 儋州, 嘉峪关).
/// </summary>
public sealed class RegionDirectory
{
    public const string National = "CN";

    private FrozenDictionary<string, Region> _regions = FrozenDictionary<string, Region>.Empty;
    private FrozenDictionary<string, Region[]> _children = FrozenDictionary<string, Region[]>.Empty;
    private FrozenDictionary<string, string[]> _chains = FrozenDictionary<string, string[]>.Empty;

    public bool IsLoaded => _regions.Count > 0;

    public void Load(IEnumerable<Region> regions)
    {
        _regions = regions.ToFrozenDictionary(r => r.Code);
        _children = _regions.Values.Where(r => r.ParentCode is not null)
            .GroupBy(r => r.ParentCode!)
            .ToFrozenDictionary(g => g.Key, g => g.OrderBy(r => r.Code, StringComparer.Ordinal).ToArray());
        _chains = _regions.Keys.ToFrozenDictionary(c => c, ChainFrom);
    }

    public Region? Find(string code) => _regions.GetValueOrDefault(code);

    public IReadOnlyList<Region> Children(string code) => _children.GetValueOrDefault(code) ?? [];

    /// <summary>Whether branches may register here.</summary>
    public bool IsLeaf(string code) => _regions.TryGetValue(code, out var r)
        && (r.Level == RegionLevel.County || (r.Level == RegionLevel.City && Children(code).Count == 0));

    /// <summary>The region and every region above it, up to CN (empty for an unknown code).</summary>
    public IReadOnlyList<string> Chain(string code) => _chains.GetValueOrDefault(code) ?? [];

    /// <summary>
    /// Where a region's figures count in the grain of <paramref name="holder"/>, a region above it or itself: the child
    /// of the holder it lies under, or the holder itself. Null when it does not lie within the holder.
    /// </summary>
    public string? NodeIn(string code, string holder)
    {
        var chain = Chain(code);
        for (var i = 0; i < chain.Count; i++)
            if (chain[i] == holder) return i == 0 ? holder : chain[i - 1];
        return null;
    }

    private string[] ChainFrom(string code)
    {
        var chain = new List<string>(4);
        for (var r = Find(code); r is not null; r = r.ParentCode is null ? null : Find(r.ParentCode)) chain.Add(r.Code);
        return [.. chain];
    }

    /// <summary>The province a region lies in (itself for a province); null for CN or unknown codes.</summary>
    public string? ProvinceOf(string code) => Chain(code).FirstOrDefault(c => Find(c)!.Level == RegionLevel.Province);

    /// <summary>Whether <paramref name="code"/> is <paramref name="ancestor"/> or lies below it.</summary>
    public bool IsWithin(string code, string ancestor) => Chain(code).Contains(ancestor);

    public IEnumerable<Region> All => _regions.Values;
}
