using Grassroots.Domain.Persistence;
using Grassroots.Domain.Regions;
using Grassroots.Domain.Rollups;
using Grassroots.Storage;

namespace Grassroots.Domain.Records;

/// <summary>
/// Everything one change of a record writes, as one unit: its row (the owner: inserted if absent, or updated at the
/// version it was read at), a change-log entry with before and after for a correction or void (a creation is its own
/// row, with who and when), its county's figures moved by the difference, the branch-activity change when the day,
/// county or campaign where it counts moved, and what its kind adds (a talk's honorees and their figures).
/// </summary>
public static class RecordWrites
{
    public static List<RowWrite> Of(RecordKind kind, LoggedRecord? before, LoggedRecord after, string actor, string action, RegionDirectory regions)
    {
        var writes = new List<RowWrite>(6)
        {
            new VersionedPut(kind.Table, [after.BranchId, after.RecordId], kind.Columns(after), before?.Version ?? 0),
        };
        if (before is not null)
            writes.Add(ChangeLog.Entry(after.UpdatedAt, actor, kind.Name, $"{after.BranchId}/{after.RecordId}", action, before, after,
                after.BranchId, after.RegionCode));
        var (was, now) = (before?.Placement, after.Placement);
        if (was is not null) writes.Add(RollupWrites.CountyDay(was.RegionCode, was.CampaignId, was.Day, -kind.Figures(before!.Data)));
        if (now is not null) writes.Add(RollupWrites.CountyDay(now.RegionCode, now.CampaignId, now.Day, kind.Figures(after.Data)));
        if (was != now)
        {
            if (was is not null) writes.Add(new ActivityChange(after.BranchId, was.CampaignId, was.Day, was.RegionCode, -1));
            if (now is not null) writes.Add(new ActivityChange(after.BranchId, now.CampaignId, now.Day, now.RegionCode, +1));
        }
        writes.AddRange(kind.ExtraWrites(before, after, regions));
        return writes;
    }
}
