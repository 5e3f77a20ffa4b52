using Grassroots.Domain.Regions;

namespace Grassroots.Domain.Campaigns;

/// <summary>
/// Who signs off what along a campaign's approval path (docs/sign-off.md): the path names levels, lowest first, e.g. county →
/// province → national. A region on every level of the path but the last submits (上报) its periods; the nearest region
/// above it on a later level of the path approves them (审核) or returns them (退回). A region where branches register
/// counts as a county, a city without counties (东莞) included.
/// </summary>
public static class ApprovalLevels
{
    public const string County = "county", City = "city", Province = "province", National = "national";

    /// <summary>The levels, lowest first: a path lists some of them in this order.</summary>
    public static readonly string[] All = [County, City, Province, National];

    public static readonly IReadOnlyList<string> DefaultPath = Campaign.DefaultApprovalPath;

    /// <summary>Why a path is not one, or null: two or more known levels, each higher than the one before it.</summary>
    public static Message? Problem(IReadOnlyList<string> path)
    {
        if (path.Count < 2) return new(MessageKeys.ApprovalPathTooShort);
        for (var i = 0; i < path.Count; i++)
        {
            if (Array.IndexOf(All, path[i]) < 0) return new(MessageKeys.ApprovalPathNotALevel, path[i], string.Join(", ", All));
            if (i > 0 && Array.IndexOf(All, path[i]) <= Array.IndexOf(All, path[i - 1]))
                return new(MessageKeys.ApprovalPathOrder);
        }
        return null;
    }

    /// <summary>The level a region signs off at: county for every region where branches register.</summary>
    public static string LevelOf(RegionDirectory regions, string code) => regions.IsLeaf(code) ? County : regions.Find(code)?.Level switch
    {
        RegionLevel.National => National,
        RegionLevel.Province => Province,
        RegionLevel.City => City,
        _ => County,
    };

    /// <summary>Whether the region submits its periods on this path: its level is on it, and not last.</summary>
    public static bool Submits(RegionDirectory regions, IReadOnlyList<string> path, string code)
    {
        var index = IndexOf(path, LevelOf(regions, code));
        return index >= 0 && index < path.Count - 1;
    }

    /// <summary>The region that approves what <paramref name="code"/> submits: the nearest above it on a later level of the path.</summary>
    public static string? ApproverOf(RegionDirectory regions, IReadOnlyList<string> path, string code)
    {
        var index = IndexOf(path, LevelOf(regions, code));
        if (index < 0 || index == path.Count - 1) return null;
        return regions.Chain(code).Skip(1).FirstOrDefault(a => IndexOf(path, LevelOf(regions, a)) > index);
    }

    /// <summary>The regions whose submissions <paramref name="code"/> decides, by code.</summary>
    public static IEnumerable<string> Approvees(RegionDirectory regions, IReadOnlyList<string> path, string code)
    {
        var index = IndexOf(path, LevelOf(regions, code));
        if (index <= 0) yield break;
        foreach (var below in Subtree(regions, code).Skip(1))
            if (Submits(regions, path, below) && ApproverOf(regions, path, below) == code) yield return below;
    }

    /// <summary>The regions of a subtree that submit on this path, the root first when it does.</summary>
    public static IEnumerable<string> Submitters(RegionDirectory regions, IReadOnlyList<string> path, string code) =>
        Subtree(regions, code).Where(r => Submits(regions, path, r));

    /// <summary>A region and every region below it, the region first.</summary>
    public static IEnumerable<string> Subtree(RegionDirectory regions, string code) =>
        regions.Children(code).SelectMany(c => Subtree(regions, c.Code)).Prepend(code);

    private static int IndexOf(IReadOnlyList<string> path, string level)
    {
        for (var i = 0; i < path.Count; i++) if (path[i] == level) return i;
        return -1;
    }
}
