using System.Data.Common;
using Grassroots.Domain;
using Grassroots.Domain.Persistence;
using Grassroots.Storage;

namespace Grassroots.Silo.Security;

/// <summary>
/// The api_keys table: the one stored copy of each key — its record and the SHA-256 of its secret, never the secret.
/// The key's grain loads its row on activation and writes it, with the change-log entry, in one transaction; `keys list`
/// and GET /api/keys read the records (never the hash), authentication asks the grain through each silo's cache.
/// </summary>
public sealed class ApiKeyTable(Database database, Domain.Branches.BranchDirectory branches)
{
    private const string Columns = "key_id, role, scope, label, created_at, created_by, revoked_at, revoked_by";

    /// <summary>
    /// The key and its secret's hash; null when unknown. The hash is null in a row written by a release before migration
    /// 0013, which kept it in the key's grain state only.
    /// </summary>
    public async Task<(ApiKeyRecord Key, string? SecretHash)?> LoadAsync(string keyId) =>
        (await database.QueryAsync($"SELECT {Columns}, secret_hash FROM api_keys WHERE key_id = $1", [keyId],
            r => ((ApiKeyRecord, string?)?)(Read(r), r.Text(8))).Translated()).SingleOrDefault();

    /// <summary>Stores a new key with the change-log entry of its creation.</summary>
    /// <exception cref="VersionConflictException">The key exists already.</exception>
    public Task CreateAsync(ApiKeyRecord key, string secretHash) => WriteAsync(key, "create", key.CreatedBy, async (connection, tx) =>
        await database.ExecuteAsync(connection, tx,
            $"INSERT INTO api_keys ({Columns}, secret_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (key_id) DO NOTHING",
            [key.KeyId, key.Role, key.Scope, key.Label, key.CreatedAt, key.CreatedBy, key.RevokedAt, key.RevokedBy, secretHash]));

    /// <summary>Stores the revocation of a live key, with its change-log entry.</summary>
    /// <exception cref="VersionConflictException">The key is unknown or revoked already.</exception>
    public Task RevokeAsync(ApiKeyRecord revoked) => WriteAsync(revoked, "revoke", revoked.RevokedBy!, async (connection, tx) =>
        await database.ExecuteAsync(connection, tx,
            "UPDATE api_keys SET revoked_at = $2, revoked_by = $3 WHERE key_id = $1 AND revoked_at IS NULL",
            [revoked.KeyId, revoked.RevokedAt, revoked.RevokedBy]));

    /// <summary>
    /// Writes a key as a release before migration 0013 kept it in its grain state (which it wrote before this row): the
    /// hash, and a revocation whose row that release failed to write. No change-log entry: that release logged the change.
    /// </summary>
    public Task AdoptAsync(ApiKeyRecord key, string secretHash) => database.InTransactionAsync(async (connection, tx) =>
        await database.ExecuteAsync(connection, tx,
            "UPDATE api_keys SET secret_hash = $2, revoked_at = COALESCE(revoked_at, $3), revoked_by = COALESCE(revoked_by, $4) WHERE key_id = $1",
            [key.KeyId, secretHash, key.RevokedAt, key.RevokedBy])).Translated();

    private async Task WriteAsync(ApiKeyRecord key, string action, string actor, Func<DbConnection, DbTransaction, Task<int>> write)
    {
        // Whose the key is, for audits scoped like reads: a branch key's branch (and its county), else its region.
        var (branchId, regionCode) = key.Role == Roles.Branch ? (key.Scope, await branches.CountyOfAsync(key.Scope)) : (null, key.Scope);
        await database.InTransactionAsync(async (connection, tx) =>
        {
            if (await write(connection, tx) != 1) throw new VersionConflictException($"api key {key.KeyId} cannot be {action}d: it is not as its grain read it");
            await ChangeLog.AppendAsync(database, connection, tx, action == "create" ? key.CreatedAt : key.RevokedAt!.Value, actor,
                "api-key", key.KeyId, action, null, action == "create" ? new { key.Role, key.Scope, key.Label } : null, branchId, regionCode);
        });
    }

    public Task<List<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        database.QueryAsync($"SELECT {Columns} FROM api_keys ORDER BY created_at, key_id", [], Read, cancellationToken);

    public async Task<bool> AnyAsync(CancellationToken cancellationToken = default) =>
        (await database.QueryAsync("SELECT COUNT(*) FROM api_keys", [], r => r.Long(0), cancellationToken))[0] > 0;

    private static ApiKeyRecord Read(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
        r.Timestamp(4), r.GetString(5), r.IsDBNull(6) ? null : r.Timestamp(6), r.Text(7));
}
