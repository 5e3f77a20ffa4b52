using System.Data.Common;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Profiles;
using Grassroots.Domain.Regions;
using Grassroots.Storage;

namespace Grassroots.Domain.Branches;

/// <summary>
/// The branches' data module: a branch as a row of the branches table (for its grain, its intake and imports), the
/// county a branch counts under, and a region's registered branches a page at a time.
/// </summary>
public sealed class BranchStore(Database database) : ProfileStore<BranchProfile>(database, Tables.Branches)
{
    protected override object?[] Columns(BranchProfile b) => [b.Name, b.RegionCode, b.Sector, b.MemberCount, b.Kind];

    protected override BranchProfile Read(DbDataReader r) => new(r.GetString(1), r.GetString(2), r.Text(3), r.Int(4), r.Text(5));

    /// <summary>The county the branch is registered under; null when no branch has this id.</summary>
    public async Task<string?> CountyOfAsync(string branchId) =>
        (await Database.QueryAsync($"SELECT region_code FROM {Table.Name} WHERE branch_id = $1", [branchId], r => r.GetString(0))
            .Translated()).FirstOrDefault();

    /// <summary>The counties of the branches that exist among <paramref name="branchIds"/>.</summary>
    public async Task<IReadOnlyDictionary<string, string?>> CountiesOfAsync(IReadOnlyList<string> branchIds) =>
        (await Database.QueryAsync(
            $"SELECT branch_id, region_code FROM {Table.Name} WHERE branch_id {Database.InList(branchIds, out var args)}", args,
            r => (Id: r.GetString(0), County: r.GetString(1))).Translated()).ToDictionary(x => x.Id, x => (string?)x.County);

    /// <summary>
    /// One page of a region's registered branches by id, all or only those (not) active in a campaign, with how many
    /// there are in all: the branch list and the report of branches that have not reported are this one query.
    /// </summary>
    public async Task<(long Total, IReadOnlyList<ListedBranch> Items)> PageAsync(RegionDirectory regions, string code, string? campaignId,
        bool? onlyActive, int pageNumber, int size, CancellationToken cancellationToken)
    {
        var query = new BranchQuery(code, campaignId, onlyActive, regions);
        var total = (await Database.QueryAsync($"SELECT COUNT(*) FROM branches b{query.Where}", query.Args,
            r => r.Long(0), cancellationToken))[0];
        var items = await Database.QueryAsync(
            $"SELECT b.branch_id, b.name, b.region_code, b.member_count, b.kind{query.ActiveColumn} FROM branches b{query.Where} " +
            $"ORDER BY b.branch_id LIMIT ${query.Args.Count + 1} OFFSET ${query.Args.Count + 2}",
            [.. query.Args, size, (long)(pageNumber - 1) * size],
            r => new ListedBranch(r.GetString(0), r.GetString(1), r.GetString(2), r.Int(3), r.Text(4),
                campaignId is null ? null : r.Int(5) == 1), cancellationToken);
        return (total, items);
    }

    /// <summary>
    /// The filter of a region's branch list, as plain SQL both databases run. Parameters are only added for
    /// what is asked, since PostgreSQL cannot infer the type of a NULL parameter.
    /// </summary>
    private sealed class BranchQuery
    {
        private readonly List<object?> _args = [];

        public BranchQuery(string code, string? campaignId, bool? onlyActive, RegionDirectory regions)
        {
            var conditions = new List<string>();
            // CN holds every branch; elsewhere the subtree is known from memory, so no recursive query is needed.
            if (code != RegionDirectory.National)
                conditions.Add($"b.region_code IN ({string.Join(", ", Subtree(code, regions).Select(Param))})");
            if (campaignId is not null)
            {
                var c = Param(campaignId);
                // Active for a campaign: a non-voided record of it of any kind (records cannot be dated in the future) — the
                // branch's activity row, which the committer keeps with every batch and the coverage figures count from.
                var active = $"EXISTS (SELECT 1 FROM {Tables.BranchActivity.Name} a WHERE a.branch_id = b.branch_id " +
                    $"AND a.campaign_id = {c} AND a.first_on IS NOT NULL)";
                ActiveColumn = $", CASE WHEN {active} THEN 1 ELSE 0 END";
                if (onlyActive is { } wanted) conditions.Add(wanted ? $"({active})" : $"NOT ({active})");
            }
            Where = conditions.Count == 0 ? "" : " WHERE " + string.Join(" AND ", conditions);
        }

        public string Where { get; }
        public string ActiveColumn { get; } = "";
        public IReadOnlyList<object?> Args => _args;

        private string Param(object? value)
        {
            _args.Add(value);
            return "$" + _args.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        private static IEnumerable<string> Subtree(string code, RegionDirectory regions) =>
            regions.Children(code).SelectMany(c => Subtree(c.Code, regions)).Prepend(code);
    }
}

/// <summary>A registered branch as a region's list shows it; <see cref="Active"/> is null unless a campaign was asked for.</summary>
public sealed record ListedBranch(string Id, string Name, string RegionCode, int MemberCount, string? Kind, bool? Active);
