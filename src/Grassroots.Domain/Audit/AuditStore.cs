using System.Globalization;
using Grassroots.Domain.Records;
using Grassroots.Storage;

namespace Grassroots.Domain.Audit;

/// <summary>
/// What an audit asks for once its scope is settled: one branch, or the branches and regions of a subtree (null: everything),
/// optionally one kind of record (and one record of the branch), between two instants.
/// </summary>
public sealed record AuditFilter(string? BranchId, IReadOnlyList<string>? Regions, RecordKind? Kind, string? RecordId,
    DateTimeOffset? From, DateTimeOffset? Before);

/// <summary>
/// The audit trail's reads: one page of changes a filter asks for, newest first, and what the first change of an entity
/// found it to be.
/// </summary>
public sealed class AuditStore(Database database)
{
    /// <summary>
    /// One page of the trail, newest first, with the label of the key that made each change; with how many changes the
    /// filter finds in all when <paramref name="withTotal"/> (else 0).
    /// </summary>
    public async Task<(long Total, IReadOnlyList<AuditRow> Rows)> PageAsync(AuditFilter filter, int number, int size, bool withTotal,
        CancellationToken cancellationToken)
    {
        var query = new AuditQuery(database, filter);
        var total = withTotal ? (await database.QueryAsync(query.CountSql, query.Args, r => r.Long(0), cancellationToken))[0] : 0;
        var rows = await database.QueryAsync(query.PageSql(out var args, size, (long)(number - 1) * size), args,
            r => new AuditRow(r.Timestamp(0), r.GetString(1), r.GetString(2), r.GetString(3), r.Text(4), r.Text(5), r.GetString(6), r.Text(7),
                r.Text(8), r.Text(9)), cancellationToken);
        return (total, rows);
    }

    /// <summary>The entity as its first logged change found it (before), for those of <paramref name="keys"/> ever changed.</summary>
    public async Task<Dictionary<string, string>> FirstBeforeAsync(string entity, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var firstChanges = await database.QueryAsync(
            $"SELECT entity_key, before_json FROM change_log WHERE entity = $1 AND entity_key {database.InList(keys, out var args, first: 2)} " +
            "AND before_json IS NOT NULL ORDER BY change_id", [entity, .. args], r => (Key: r.GetString(0), Json: r.GetString(1)), cancellationToken);
        foreach (var (key, json) in firstChanges) found.TryAdd(key, json);
        return found;
    }
}

/// <summary>
/// One change as the trail stores it: when, the action (create, import, update, void, submit, …), the entity and its key, the
/// branch and region it belongs to, who (and the label of their key), and the entity before and after as JSON (a creation
/// read from its fact row has neither).
/// </summary>
public sealed record AuditRow(DateTimeOffset At, string Action, string Entity, string Key, string? BranchId, string? RegionCode, string Actor,
    string? Label, string? Before, string? After);

/// <summary>
/// The audit trail as one SQL query both databases run: creations read from the fact rows (records, branches, honorees:
/// who and when), every other change from the change log (corrections, voids, profile changes, campaigns, keys issued and
/// revoked, sign-off steps), scoped by the branch or region each belongs to — a record and a branch by the branch's
/// county now, as reading it is; keys, honorees and periods by their region; campaigns to hq alone — newest first.
/// </summary>
internal sealed class AuditQuery
{
    private readonly List<object?> _args = [];
    private readonly List<string> _parts = [];

    public AuditQuery(Database database, AuditFilter filter)
    {
        string? regions = null, branchesIn = null;
        if (filter.Regions is { } codes)
        {
            regions = database.InList(codes, out var args, first: _args.Count + 1);
            _args.AddRange(args);
            branchesIn = $"branch_id IN (SELECT branch_id FROM branches WHERE region_code {regions})";
        }
        var branch = filter.BranchId is null ? null : Param(filter.BranchId);
        var from = filter.From is { } f ? Param(f.ToUniversalTime()) : null;
        var before = filter.Before is { } b ? Param(b.ToUniversalTime()) : null;
        string Time(string column) => (from is null ? "" : $" AND {column} >= {from}") + (before is null ? "" : $" AND {column} < {before}");

        foreach (var kind in filter.Kind is { } only ? [only] : RecordKinds.All)
        {
            var where = "1 = 1" + (branch is null ? "" : $" AND branch_id = {branch}") + (branchesIn is null ? "" : $" AND {branchesIn}")
                + (filter.RecordId is null ? "" : $" AND {kind.IdColumn} = {Param(filter.RecordId)}") + Time("created_at");
            _parts.Add($"SELECT created_at AS at, 'create' AS action, '{kind.Name}' AS entity, branch_id || '/' || {kind.IdColumn} AS entity_key, " +
                $"branch_id, region_code, created_by AS actor, CAST(NULL AS TEXT) AS before_json, CAST(NULL AS TEXT) AS after_json " +
                $"FROM {kind.Table.Name} WHERE {where}");
        }
        if (filter.Kind is null)
        {
            _parts.Add("SELECT created_at, 'create', 'branch', branch_id, branch_id, region_code, created_by, CAST(NULL AS TEXT), CAST(NULL AS TEXT) " +
                "FROM branches WHERE 1 = 1" + (branch is null ? "" : $" AND branch_id = {branch}") + (regions is null ? "" : $" AND region_code {regions}")
                + Time("created_at"));
            if (branch is null)
                _parts.Add("SELECT created_at, 'create', 'honoree', honoree_id, CAST(NULL AS TEXT), province_code, created_by, CAST(NULL AS TEXT), " +
                    "CAST(NULL AS TEXT) FROM honorees WHERE 1 = 1" + (regions is null ? "" : $" AND province_code {regions}") + Time("created_at"));
        }
        var log = "1 = 1";
        if (branch is not null) log += $" AND branch_id = {branch}";
        if (regions is not null) log += $" AND ({branchesIn} OR (branch_id IS NULL AND region_code {regions}))";
        if (filter.Kind is { } k) log += $" AND entity = {Param(k.Name)}";
        if (filter.RecordId is not null) log += $" AND entity_key = {Param($"{filter.BranchId}/{filter.RecordId}")}";
        _parts.Add($"SELECT changed_at, action, entity, entity_key, branch_id, region_code, actor, before_json, after_json FROM change_log WHERE {log}{Time("changed_at")}");
    }

    private string Union => string.Join(" UNION ALL ", _parts);

    public string CountSql => $"SELECT COUNT(*) FROM ({Union}) e";

    /// <summary>One page, newest first, with the label of the key that made each change.</summary>
    public string PageSql(out IReadOnlyList<object?> args, int size, long offset)
    {
        args = [.. _args, size, offset];
        return $"SELECT e.at, e.action, e.entity, e.entity_key, e.branch_id, e.region_code, e.actor, k.label, e.before_json, e.after_json " +
            $"FROM ({Union}) e LEFT JOIN api_keys k ON e.actor = 'key:' || k.key_id " +
            $"ORDER BY e.at DESC, e.entity_key, e.action LIMIT ${_args.Count + 1} OFFSET ${_args.Count + 2}";
    }

    public IReadOnlyList<object?> Args => _args;

    private string Param(object value)
    {
        _args.Add(value);
        return "$" + _args.Count.ToString(CultureInfo.InvariantCulture);
    }
}
