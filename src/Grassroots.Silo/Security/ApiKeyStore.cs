using System.Collections.Concurrent;
using System.Data.Common;
using System.Text.Json;
using Grassroots.Domain;
using Grassroots.Domain.Persistence;
using Grassroots.Storage;
using Microsoft.Extensions.Options;

namespace Grassroots.Silo.Security;

/// <summary>An API key as stored: everything but its secret, which is never stored.</summary>
public sealed record ApiKeyRecord(string KeyId, string Role, string Scope, string Label, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset? RevokedAt, string? RevokedBy)
{
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>A key just issued: the only moment its full text exists outside its holder's hands.</summary>
public sealed record IssuedApiKey(ApiKeyRecord Record, string Key);

public enum Revocation { Revoked, AlreadyRevoked, Unknown }

/// <summary>
/// Issues, lists, revokes and checks API keys in the api_keys table. Keys are not facts or rollups, so they are
/// written directly rather than through the group committer, with their change-log row in the same transaction.
/// </summary>
public sealed class ApiKeyStore(Database database, TimeProvider clock, IOptions<SecurityOptions> options)
{
    private const string Columns = "key_id, role, scope, label, created_at, created_by, revoked_at, revoked_by";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly ConcurrentDictionary<string, (ApiKeyRecord Key, string Hash, DateTimeOffset Until)> _valid = new();

    // Keys revoked by this process. Checked after every lookup, so a lookup that raced with the revocation
    // cannot put the key back in the cache and let it through; revocations never expire, so neither do these.
    private readonly ConcurrentDictionary<string, byte> _revokedHere = new();

    public async Task<IssuedApiKey> CreateAsync(string role, string scope, string label, string actor, CancellationToken cancellationToken = default)
    {
        var parts = ApiKeySecret.New();
        var key = new ApiKeyRecord(parts.KeyId, role, scope, label, clock.Now(), actor, null, null);
        await WriteAsync(key.KeyId, "create", key.CreatedAt, actor, new { role, scope, label },
            "INSERT INTO api_keys (key_id, secret_hash, role, scope, label, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [key.KeyId, ApiKeySecret.Hash(parts.Secret), role, scope, label, key.CreatedAt, actor], cancellationToken);
        return new IssuedApiKey(key, parts.Key);
    }

    public async Task<Revocation> RevokeAsync(string keyId, string actor, CancellationToken cancellationToken = default)
    {
        var now = clock.Now();
        var changed = await WriteAsync(keyId, "revoke", now, actor, null,
            "UPDATE api_keys SET revoked_at = $1, revoked_by = $2 WHERE key_id = $3 AND revoked_at IS NULL",
            [now, actor, keyId], cancellationToken);
        var result = changed == 1 ? Revocation.Revoked
            : await FindAsync(keyId, cancellationToken) is null ? Revocation.Unknown : Revocation.AlreadyRevoked;
        if (result != Revocation.Unknown)
        {
            _revokedHere[keyId] = 0;
            _valid.TryRemove(keyId, out _);
        }
        return result;
    }

    public async Task<ApiKeyRecord?> FindAsync(string keyId, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync($"SELECT {Columns} FROM api_keys WHERE key_id = $1", [keyId], Read, cancellationToken))
        .SingleOrDefault();

    public Task<List<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        database.QueryAsync($"SELECT {Columns} FROM api_keys ORDER BY created_at, key_id", [], Read, cancellationToken);

    public async Task<bool> AnyAsync(CancellationToken cancellationToken = default) =>
        (await database.QueryAsync("SELECT COUNT(*) FROM api_keys", [], r => r.Long(0), cancellationToken))[0] > 0;

    /// <summary>The live key a presented bearer token belongs to; null when malformed, unknown, wrong or revoked.</summary>
    public async Task<ApiKeyRecord?> AuthenticateAsync(string presented, CancellationToken cancellationToken = default)
    {
        if (ApiKeySecret.Parse(presented) is not { } parts) return null;
        var now = clock.GetUtcNow();
        if (!_valid.TryGetValue(parts.KeyId, out var entry) || entry.Until <= now)
        {
            // The id is not secret, so looking it up by equality is fine; only the secret is compared in constant time.
            var row = (await database.QueryAsync($"SELECT {Columns}, secret_hash FROM api_keys WHERE key_id = $1", [parts.KeyId],
                r => (Key: Read(r), Hash: r.GetString(8)), cancellationToken)).SingleOrDefault();
            if (row.Key is null || row.Key.IsRevoked)
            {
                _valid.TryRemove(parts.KeyId, out _);
                return null;
            }
            entry = (row.Key, row.Hash, now + options.Value.KeyCacheDuration);
            _valid[parts.KeyId] = entry;
        }
        if (_revokedHere.ContainsKey(parts.KeyId)) return null;
        return ApiKeySecret.Matches(parts.Secret, entry.Hash) ? entry.Key : null;
    }

    private async Task<int> WriteAsync(string keyId, string action, DateTimeOffset at, string actor, object? after,
        string sql, IReadOnlyList<object?> args, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var tx = await database.BeginWriteAsync(connection, cancellationToken);
        var changed = await ExecuteAsync(connection, tx, sql, args, cancellationToken);
        if (changed == 1)
            await ExecuteAsync(connection, tx,
                "INSERT INTO change_log (changed_at, actor, entity, entity_key, action, after_json) VALUES ($1, $2, $3, $4, $5, $6)",
                [at, actor, "api-key", keyId, action, after is null ? null : JsonSerializer.Serialize(after, Json)], cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return changed;
    }

    private static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction tx, string sql, IReadOnlyList<object?> args,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = tx;
        Database.Bind(command, sql, args);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static ApiKeyRecord Read(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
        r.Timestamp(4), r.GetString(5), r.IsDBNull(6) ? null : r.Timestamp(6), r.Text(7));
}
