namespace Grassroots.Domain.Honorees;

/// <summary>An honoree (劳模、先进工作者、工匠).</summary>
[GenerateSerializer, Immutable, Alias("honoree-profile")]
public sealed record HonoreeProfile(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Gender,
    [property: Id(2)] string? Ethnicity,
    [property: Id(3)] string Title,
    [property: Id(4)] int? HonoredYear,
    [property: Id(5)] string? Employer,
    [property: Id(6)] string ProvinceCode);
