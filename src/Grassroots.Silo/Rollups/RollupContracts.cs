using Grassroots.Silo.Apis;

namespace Grassroots.Silo.Rollups;

// Wire shapes of the rollups: a region's figures with its children's, and a campaign's figures over time.

public sealed record RollupChildResponse(string Code, string Name, TotalsDto Totals);

public sealed record RollupResponse(string Code, string Name, string Level, DateTimeOffset AsOf, TotalsDto Totals,
    IReadOnlyList<RollupChildResponse> Children);

public sealed record SeriesPointResponse(DateOnly Start, TotalsDto Totals);

public sealed record SeriesResponse(string Code, string CampaignId, string Interval, IReadOnlyList<SeriesPointResponse> Points);
