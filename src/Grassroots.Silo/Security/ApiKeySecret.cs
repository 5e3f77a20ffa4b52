using System.Security.Cryptography;
using System.Text;

namespace Grassroots.Silo.Security;

/// <summary>
/// The text of an API key, "gr_&lt;keyId&gt;_&lt;secret&gt;": a public id to look the key up by, and 32 random bytes
/// (base64url) that prove possession. Only SHA-256 of the secret is stored. A fast hash is enough here, unlike
/// for passwords: the secret has 256 bits of entropy, so there is nothing for a slow KDF to protect against.
/// </summary>
public static class ApiKeySecret
{
    private const string Prefix = "gr_";
    private const int KeyIdBytes = 8, SecretBytes = 32;

    public sealed record Parts(string KeyId, string Secret)
    {
        public string Key => $"{Prefix}{KeyId}_{Secret}";
    }

    public static Parts New() => new(
        Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(KeyIdBytes)),
        System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes)));

    /// <summary>Splits a presented key; null when it is not in the key format at all.</summary>
    public static Parts? Parse(string presented)
    {
        // The id is hex, so the first '_' after it ends it; the secret may itself contain '_' (base64url).
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var rest = presented.AsSpan(Prefix.Length);
        var cut = rest.IndexOf('_');
        if (cut != KeyIdBytes * 2 || rest[..cut].IndexOfAnyExcept("0123456789abcdef") >= 0 || rest.Length - cut - 1 is < 1 or > 128) return null;
        return new Parts(rest[..cut].ToString(), rest[(cut + 1)..].ToString());
    }

    /// <summary>What the database keeps: SHA-256 of the secret, hex.</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Compares two hashes in constant time, so response timing says nothing about how much of a guess was right.</summary>
    public static bool HashesMatch(string presentedHash, string storedHash) =>
        presentedHash.Length == storedHash.Length
        && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(presentedHash), Encoding.ASCII.GetBytes(storedHash));
}
