namespace Grassroots.Domain.Model;

/// <summary>An honoree's figures: talks given, their audience and online views, and how many provinces the talks reached.</summary>
[GenerateSerializer, Immutable, Alias("honoree-figures")]
public sealed record HonoreeFigures(
    [property: Id(0)] long Talks,
    [property: Id(1)] long Audience,
    [property: Id(2)] long OnlineViews,
    [property: Id(3)] int ProvincesReached);
