using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Regions;

namespace Grassroots.Domain.Rollups;

/// <summary>
/// Reads a region's figures from the grain that holds them: its own grain, or — for a region without children, a county
/// — its parent's, which keeps each child's figures per day anyway. So no grain is kept, loaded and sent to per county.
/// </summary>
public sealed class RegionRollups(IGrainFactory grains, RegionDirectory regions)
{
    /// <summary>The region whose grain answers for <paramref name="code"/>.</summary>
    public string HolderOf(string code) =>
        regions.Children(code).Count == 0 && regions.Find(code)?.ParentCode is { } parent ? parent : code;

    public Task<RollupView> GetRollupAsync(string code, string campaignId, DateOnly? from, DateOnly? to) =>
        Holder(code).GetRollupAsync(code, campaignId, from, to);

    public Task<Totals> GetTotalsAsync(string code, string campaignId, DateOnly? from, DateOnly? to) =>
        Holder(code).GetTotalsAsync(code, campaignId, from, to);

    public Task<IReadOnlyList<SeriesPoint>> GetSeriesAsync(string code, string campaignId, SeriesInterval interval, DateOnly from, DateOnly to) =>
        Holder(code).GetSeriesAsync(code, campaignId, interval, from, to);

    private IRegionRollupGrain Holder(string code) => grains.GetGrain<IRegionRollupGrain>(HolderOf(code));
}
