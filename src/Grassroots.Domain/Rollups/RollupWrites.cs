using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Regions;
using Grassroots.Storage;

namespace Grassroots.Domain.Rollups;

/// <summary>
/// The rollup writes a change causes, keyed without the writer shard (the committer adds the shard of the lane that
/// writes them): a county's figures on a day, a county's registered branches, an honoree's figures in a province.
/// Regions above a county are not written; their grains sum their counties.
/// </summary>
public static class RollupWrites
{
    public static Increment CountyDay(string county, string campaignId, DateOnly day, Figures figures) =>
        new(Tables.CountyDays, [county, campaignId, day], figures.ToColumns());

    public static Increment Registered(string county, int delta) => new(Tables.CountyBranches, [county], [delta]);

    public static Increment Honoree(string honoreeId, string campaignId, string? province, TalkFigures figures) =>
        new(Tables.HonoreeRollups, [honoreeId, campaignId, province ?? RegionDirectory.National], figures.ToColumns());
}
