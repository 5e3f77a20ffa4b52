using Grassroots.Domain.Model;
namespace Grassroots.Domain.Rollups;

[GenerateSerializer, Alias("series-interval")]
public enum SeriesInterval { Day, Week, Month }

[GenerateSerializer, Immutable, Alias("series-point")]
public sealed record SeriesPoint([property: Id(0)] DateOnly Start, [property: Id(1)] Totals Totals);

/// <summary>A region's totals and each child region's, as one read answers them.</summary>
[GenerateSerializer, Immutable, Alias("rollup-view")]
public sealed record RollupView([property: Id(0)] Totals Totals, [property: Id(1)] IReadOnlyList<ChildTotals> Children);

[GenerateSerializer, Immutable, Alias("child-totals")]
public sealed record ChildTotals([property: Id(0)] string Code, [property: Id(1)] Totals Totals);
