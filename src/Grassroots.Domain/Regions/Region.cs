namespace Grassroots.Domain.Regions;

[GenerateSerializer, Alias("region-level")]
public enum RegionLevel { National, Province, City, County }

public sealed record Region(string Code, string Name, RegionLevel Level, string? ParentCode);
