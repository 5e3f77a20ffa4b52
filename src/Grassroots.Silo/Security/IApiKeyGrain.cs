using Grassroots.Domain.Persistence;

namespace Grassroots.Silo.Security;

/// <summary>
/// One API key, keyed by its public id, stored as its api_keys row: one activation cluster-wide, so every silo asks the
/// same grain and a revocation holds everywhere the moment it is written.
/// </summary>
[Alias("api-key-grain"), StoredAsRow]
public interface IApiKeyGrain : IGrainWithStringKey
{
    /// <summary>The key unless it is unknown; revoked keys too.</summary>
    [ReadOnly, Alias("get")]
    Task<ApiKeyRecord?> GetAsync();

    /// <summary>The key with the hash of its secret, for a silo to check presented keys against; null when unknown.</summary>
    [ReadOnly, Alias("credential")]
    Task<ApiKeyCredential?> GetCredentialAsync();

    /// <summary>Stores a new key; the grain must not hold one yet.</summary>
    [Alias("create")]
    Task<ApiKeyRecord> CreateAsync(ApiKeyDraft draft);

    [Alias("revoke")]
    Task<Revocation> RevokeAsync(string actor);
}

/// <summary>An API key as stored: everything but its secret, of which only a hash is kept.</summary>
[GenerateSerializer, Immutable, Alias("api-key")]
public sealed record ApiKeyRecord(
    [property: Id(0)] string KeyId,
    [property: Id(1)] string Role,
    [property: Id(2)] string Scope,
    [property: Id(3)] string Label,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] string CreatedBy,
    [property: Id(6)] DateTimeOffset? RevokedAt,
    [property: Id(7)] string? RevokedBy)
{
    public bool IsRevoked => RevokedAt is not null;
}

/// <summary>A key and the SHA-256 of its secret (hex): what a silo needs to check a presented key.</summary>
[GenerateSerializer, Immutable, Alias("api-key-credential")]
public sealed record ApiKeyCredential([property: Id(0)] ApiKeyRecord Key, [property: Id(1)] string SecretHash)
{
    /// <summary>The key, when it is live and <paramref name="secret"/> is its secret (its hash compared in constant time).</summary>
    public ApiKeyRecord? Check(ReadOnlySpan<char> secret) => !Key.IsRevoked && ApiKeySecret.Matches(secret, SecretHash) ? Key : null;
}

/// <summary>What a new key is: role, scope and label, the hash of its secret, and who issues it.</summary>
[GenerateSerializer, Immutable, Alias("api-key-draft")]
public sealed record ApiKeyDraft(
    [property: Id(0)] string Role,
    [property: Id(1)] string Scope,
    [property: Id(2)] string Label,
    [property: Id(3)] string SecretHash,
    [property: Id(4)] string Actor);

[GenerateSerializer, Alias("revocation")]
public enum Revocation { Revoked, AlreadyRevoked, Unknown }
