using System.Runtime.InteropServices;
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

    /// <summary>
    /// Splits a presented key into its id and where its secret lies in it; false when it is not in the key format at all.
    /// Only the id is copied out: every request presents a key, and the secret is hashed from the request's own text.
    /// </summary>
    public static bool TryParse(string presented, out string keyId, out Range secret)
    {
        (keyId, secret) = ("", default);
        // The id is hex, so the first '_' after it ends it; the secret may itself contain '_' (base64url).
        if (!presented.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var rest = presented.AsSpan(Prefix.Length);
        var cut = rest.IndexOf('_');
        if (cut != KeyIdBytes * 2 || rest[..cut].IndexOfAnyExcept("0123456789abcdef") >= 0 || rest.Length - cut - 1 is < 1 or > 128) return false;
        (keyId, secret) = (rest[..cut].ToString(), (Prefix.Length + cut + 1)..);
        return true;
    }

    /// <summary>Splits a key into its id and its secret; null when it is not in the key format (for tools and tests).</summary>
    public static Parts? Parse(string presented) => TryParse(presented, out var keyId, out var secret) ? new Parts(keyId, presented[secret]) : null;

    /// <summary>What the database keeps: SHA-256 of the secret, hex.</summary>
    public static string Hash(string secret)
    {
        Span<char> hex = stackalloc char[HexLength];
        HashHex(secret, hex);
        return new string(hex);
    }

    /// <summary>
    /// Whether <paramref name="secret"/> hashes to <paramref name="storedHash"/>, compared in constant time so response
    /// timing says nothing about how much of a guess was right. Works on the stack: no copy of the secret is made.
    /// </summary>
    public static bool Matches(ReadOnlySpan<char> secret, string storedHash)
    {
        Span<char> hex = stackalloc char[HexLength];
        HashHex(secret, hex);
        return storedHash.Length == hex.Length
            && CryptographicOperations.FixedTimeEquals(MemoryMarshal.AsBytes(hex), MemoryMarshal.AsBytes(storedHash.AsSpan()));
    }

    private const int HexLength = SHA256.HashSizeInBytes * 2;

    /// <summary>SHA-256 of the secret's UTF-8, as lower-case hex into <paramref name="hex"/>.</summary>
    private static void HashHex(ReadOnlySpan<char> secret, Span<char> hex)
    {
        // A presented secret is at most 128 characters (TryParse); anything longer is hashed from the heap.
        var utf8 = Encoding.UTF8.GetMaxByteCount(secret.Length) <= 384 ? stackalloc byte[384] : new byte[Encoding.UTF8.GetMaxByteCount(secret.Length)];
        var length = Encoding.UTF8.GetBytes(secret, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);
        Convert.TryToHexStringLower(hash, hex, out _);
    }
}
