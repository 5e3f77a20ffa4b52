using System.Data.Common;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Regions;
using Grassroots.Domain.Rollups;
using Grassroots.Storage;

namespace Grassroots.Domain.Branches;

/// <summary>
/// A branch as a row of the branches table, stated once for its grain and for imports that register branches in bulk:
/// its columns, how a row reads back, the rule a profile must meet, and what registering one writes.
/// </summary>
public static class BranchRows
{
    /// <summary>The value columns before created_at, updated_at and created_by.</summary>
    public static object?[] Columns(BranchProfile b) => [b.Name, b.RegionCode, b.Sector, b.MemberCount, b.Kind];

    /// <summary>Reads the profile from a row selected as branch_id, value columns, ….</summary>
    public static BranchProfile Read(DbDataReader r) => new(r.GetString(1), r.GetString(2), r.Text(3), r.Int(4), r.Text(5));

    /// <summary>Branches register against a county (or a city without counties); else a 400 naming regionCode.</summary>
    public static void Check(BranchProfile profile, RegionDirectory regions)
    {
        if (!regions.IsLeaf(profile.RegionCode))
            throw new FieldValidationException("regionCode", $"'{profile.RegionCode}' is not a county-level region code.");
    }

    /// <summary>A new branch: its row, inserted if absent, and one more registered branch in its county.</summary>
    public static WriteUnit Registration(string branchId, BranchProfile profile, DateTimeOffset at, string actor) => new(
    [
        new VersionedPut(Tables.Branches, [branchId], [.. Columns(profile), at, at, actor], 0),
        RollupWrites.Registered(profile.RegionCode, +1),
    ]);

    /// <summary>The stored profiles of these branches, read in one statement; absent ones are left out.</summary>
    public static async Task<Dictionary<string, BranchProfile>> ReadManyAsync(IReadOnlyList<string> branchIds, Database database) =>
        branchIds.Count == 0 ? [] : (await database.QueryAsync(
            $"SELECT {Tables.Branches.ColumnList} FROM {Tables.Branches.Name} WHERE branch_id {database.InList(branchIds, out var args)}",
            args, r => (Id: r.GetString(0), Profile: Read(r))).Translated()).ToDictionary(x => x.Id, x => x.Profile);
}
