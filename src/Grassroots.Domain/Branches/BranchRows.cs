using System.Data.Common;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Regions;
using Grassroots.Domain.Rollups;
using Grassroots.Storage;

namespace Grassroots.Domain.Branches;

/// <summary>
/// A branch as a row of the branches table, stated once for its grain, its intake and imports: its columns and how a row
/// reads back (what a change writes is <see cref="BranchIntake"/>'s).
/// </summary>
public static class BranchRows
{
    /// <summary>The value columns before created_at, updated_at and created_by.</summary>
    public static object?[] Columns(BranchProfile b) => [b.Name, b.RegionCode, b.Sector, b.MemberCount, b.Kind];

    /// <summary>Reads the profile from a row selected as branch_id, value columns, ….</summary>
    public static BranchProfile Read(DbDataReader r) => new(r.GetString(1), r.GetString(2), r.Text(3), r.Int(4), r.Text(5));

    /// <summary>The stored profiles of these branches, read in one statement; absent ones are left out.</summary>
    public static async Task<Dictionary<string, BranchProfile>> ReadManyAsync(IReadOnlyList<string> branchIds, Database database) =>
        branchIds.Count == 0 ? [] : (await database.QueryAsync(
            $"SELECT {Tables.Branches.ColumnList} FROM {Tables.Branches.Name} WHERE branch_id {database.InList(branchIds, out var args)}",
            args, r => (Id: r.GetString(0), Profile: Read(r))).Translated()).ToDictionary(x => x.Id, x => x.Profile);
}
