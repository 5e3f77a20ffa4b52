using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Regions;
using Grassroots.Storage;

namespace Grassroots.Domain.Rollups;

/// <summary>
/// Turns a change in a record's figures into increments of this shard's rollup rows: the day row and the
/// campaign-total row of the record's county and of every region above it.
/// </summary>
public sealed class RollupDeltas(RegionDirectory regions, StorageOptions storage)
{
    /// <summary>The day value of a campaign-total row.</summary>
    public static readonly DateOnly TotalDay = new(1, 1, 1);

    /// <summary>The campaign id of rows that count registered branches, which belong to no campaign.</summary>
    public const string AllCampaigns = "*";

    public string Shard => storage.Shard;

    public IEnumerable<RowWrite> Region(string regionCode, string campaignId, DateOnly day, long[] deltas)
    {
        if (deltas.All(d => d == 0)) yield break;
        foreach (var code in regions.Chain(regionCode))
        {
            yield return new Increment(Tables.RegionRollups, [Shard, code, campaignId, day], deltas);
            yield return new Increment(Tables.RegionRollups, [Shard, code, campaignId, TotalDay], deltas);
        }
    }

    public IEnumerable<RowWrite> Registered(string regionCode, int delta)
    {
        var deltas = new long[Totals.Count];
        deltas[Totals.RegisteredBranchesAt] = delta;
        return regions.Chain(regionCode).Select(code =>
            new Increment(Tables.RegionRollups, [Shard, code, AllCampaigns, TotalDay], deltas));
    }

    public IEnumerable<RowWrite> Active(Placement placement, int delta)
    {
        var deltas = new long[Totals.Count];
        deltas[Totals.ActiveBranchesAt] = delta;
        return Region(placement.RegionCode, placement.CampaignId, placement.Day, deltas);
    }

    public RowWrite Honoree(string honoreeId, string campaignId, string regionCode, long talks, long audience, long onlineViews) =>
        new Increment(Tables.HonoreeRollups, [Shard, honoreeId, campaignId, regions.ProvinceOf(regionCode) ?? RegionDirectory.National],
            [talks, audience, onlineViews]);

    public static long[] Negate(long[] values) => [.. values.Select(v => -v)];
}
