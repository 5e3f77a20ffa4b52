using System.Data.Common;
using Grassroots.Domain.Persistence;
using Grassroots.Storage;

namespace Grassroots.Silo.Security;

/// <summary>
/// The api_keys table: every key without its secret, for listing (`keys list`, GET /api/keys). Written by the key's
/// grain after its state, with the change-log entry of a change; authentication never reads it.
/// </summary>
public sealed class ApiKeyProjection(Database database, Domain.Caching.BranchDirectory branches)
{
    private const string Columns = "key_id, role, scope, label, created_at, created_by, revoked_at, revoked_by";

    /// <param name="action">"create" or "revoke" for the change log; null when only catching up.</param>
    public async Task WriteAsync(ApiKeyRecord key, string? action, string actor)
    {
        // Whose the key is, for audits scoped like reads: a branch key's branch (and its county), else its region.
        var (branchId, regionCode) = key.Role == Roles.Branch ? (key.Scope, await branches.CountyOfAsync(key.Scope)) : (null, key.Scope);
        await database.InTransactionAsync(async (connection, tx) => await WriteAsync(connection, tx, key, action, actor, branchId, regionCode));
    }

    private async Task WriteAsync(DbConnection connection, DbTransaction tx, ApiKeyRecord key, string? action, string actor,
        string? branchId, string? regionCode)
    {
        await database.ExecuteAsync(connection, tx,
            $"INSERT INTO api_keys ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) " +
            "ON CONFLICT (key_id) DO UPDATE SET revoked_at = excluded.revoked_at, revoked_by = excluded.revoked_by",
            [key.KeyId, key.Role, key.Scope, key.Label, key.CreatedAt, key.CreatedBy, key.RevokedAt, key.RevokedBy]);
        if (action is not null)
            await ChangeLog.AppendAsync(database, connection, tx, action == "create" ? key.CreatedAt : key.RevokedAt!.Value, actor,
                "api-key", key.KeyId, action, null, action == "create" ? new { key.Role, key.Scope, key.Label } : null, branchId, regionCode);
    }

    public Task<List<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        database.QueryAsync($"SELECT {Columns} FROM api_keys ORDER BY created_at, key_id", [], Read, cancellationToken);

    public async Task<bool> AnyAsync(CancellationToken cancellationToken = default) =>
        (await database.QueryAsync("SELECT COUNT(*) FROM api_keys", [], r => r.Long(0), cancellationToken))[0] > 0;

    private static ApiKeyRecord Read(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
        r.Timestamp(4), r.GetString(5), r.IsDBNull(6) ? null : r.Timestamp(6), r.Text(7));
}
