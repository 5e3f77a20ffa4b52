namespace Grassroots.Domain.Branches;

/// <summary>A branch (基层工会) as registered: its county decides where its new records count.</summary>
[GenerateSerializer, Immutable, Alias("branch-profile")]
public sealed record BranchProfile(
    [property: Id(0)] string Name,
    [property: Id(1)] string RegionCode,
    [property: Id(2)] string? Sector,
    [property: Id(3)] int MemberCount,
    [property: Id(4)] string? Kind);
