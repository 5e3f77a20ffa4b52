namespace Grassroots.Domain.Model;

public enum RegionLevel { National, Province, City, County }

public sealed record Region(string Code, string Name, RegionLevel Level, string? ParentCode);

public sealed record Campaign(string Id, string Title, DateOnly StartsOn, DateOnly? EndsOn, string? Description)
{
    public bool Covers(DateOnly day) => day >= StartsOn && (EndsOn is null || day <= EndsOn);
}

public sealed record BranchProfile(string Name, string RegionCode, string? Sector, int MemberCount, string? Kind);

public sealed record HonoreeProfile(string Name, string? Gender, string? Ethnicity, string Title, int? HonoredYear,
    string? Employer, string ProvinceCode);

/// <summary>What a create-or-correct PUT did.</summary>
public enum PutResult { Created, Updated, Unchanged }

/// <summary>A stored entity with its bookkeeping.</summary>
public sealed record Versioned<T>(T Value, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record Saved<T>(PutResult Result, Versioned<T> Entity);

public sealed record HonoreeFigures(long Talks, long Audience, long OnlineViews, int ProvincesReached);
