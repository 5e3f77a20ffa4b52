using System.Data.Common;
using System.Text.Json;
using Grassroots.Storage;

namespace Grassroots.Domain.Persistence;

/// <summary>
/// The append-only change log: who changed what, when, with the entity before and after as JSON, and whose it is — the
/// branch (a record, a branch's profile, a branch key) and the region (a record's county, an honoree's province, a
/// region-admin key's region, a region's sign-off period) — so the audit API scopes it like reads.
/// </summary>
public static class ChangeLog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The entry as a write of a group-committed unit.</summary>
    public static RowWrite Entry(DateTimeOffset at, string actor, string entity, string key, string action, object? before, object? after,
        string? branchId = null, string? regionCode = null) =>
        new Append(Tables.ChangeLog, Values(at, actor, entity, key, action, before, after, branchId, regionCode));

    /// <summary>The entry written inside a transaction of its own writer (campaigns, periods, keys).</summary>
    public static Task AppendAsync(Database database, DbConnection connection, DbTransaction tx, DateTimeOffset at, string actor,
        string entity, string key, string action, object? before, object? after, string? branchId = null, string? regionCode = null) =>
        database.ExecuteAsync(connection, tx,
            $"INSERT INTO change_log ({string.Join(", ", Tables.ChangeLog.Values)}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            Values(at, actor, entity, key, action, before, after, branchId, regionCode));

    private static object?[] Values(DateTimeOffset at, string actor, string entity, string key, string action, object? before, object? after,
        string? branchId, string? regionCode) =>
        [at, actor, entity, key, action, Serialize(before), Serialize(after), branchId, regionCode];

    private static string? Serialize(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), Json);
}
