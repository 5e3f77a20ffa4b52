using Grassroots.Domain.Model;
using Grassroots.Storage;

namespace Grassroots.Domain.Branches;

/// <summary>
/// The name the importer (src/Grassroots.Silo/Imports/Importer.cs) still reads stored branches by, while the imports are
/// being reworked; the reading is <see cref="BranchStore"/>'s.
/// </summary>
public static class BranchRows
{
    /// <summary>The stored profiles of these branches, read in one statement; absent ones are left out.</summary>
    public static Task<Dictionary<string, BranchProfile>> ReadManyAsync(IReadOnlyList<string> branchIds, Database database) =>
        new BranchStore(database).ReadManyAsync(branchIds);
}
