using Grassroots.Domain.Regions;

namespace Grassroots.Domain.Tests;

/// <summary>The GB/T 2260 seed as the loader reads it from the assembly: every row of seeds/regions.csv, parents first.</summary>
public sealed class RegionSeedTests
{
    [Fact]
    public void TheSeedHoldsEveryRowOfTheFileWithItsParentBeforeIt()
    {
        var file = File.ReadAllLines(Path.Combine(Repository.DocumentPathsTests.RepositoryRoot(), "seeds", "regions.csv")).Skip(1).Where(l => l.Length > 0).ToList();
        var regions = ReferenceDataLoader.ReadSeed().ToList();

        Assert.Equal(file.Count, regions.Count);
        Assert.Equal(new Region("CN", "中华人民共和国", RegionLevel.National, null), regions[0]);
        Assert.Contains(new Region("110000", "北京市", RegionLevel.Province, "CN"), regions);
        var seen = new HashSet<string>();
        foreach (var region in regions)
        {
            Assert.True(region.ParentCode is null || seen.Contains(region.ParentCode), $"{region.Code}'s parent {region.ParentCode} comes after it");
            Assert.True(seen.Add(region.Code), $"{region.Code} twice");
        }
        Assert.Single(regions, r => r.ParentCode is null);
    }
}
