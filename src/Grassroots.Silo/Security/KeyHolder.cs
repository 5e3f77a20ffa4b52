using System.Security.Claims;
using Grassroots.Domain;

namespace Grassroots.Silo.Security;

/// <summary>The three roles of docs/architecture.md's "Security", each with the kind of scope it carries.</summary>
public static class Roles
{
    /// <summary>Scope: a branch id. Writes and reads its own branch's records, reads its own figures.</summary>
    public const string Branch = "branch";

    /// <summary>Scope: a province, city or county code. Manages branches and honorees, reads everything in its subtree.</summary>
    public const string RegionAdmin = "region-admin";

    /// <summary>Scope: CN. Everything.</summary>
    public const string Hq = "hq";

    public static readonly Choices All = new((Branch, "基层工会"), (RegionAdmin, "地区管理员"), (Hq, "总部"));
}

/// <summary>
/// The API key behind a request, as the authentication handler puts it on the user. The name is
/// "key:&lt;keyId&gt;" so the change log says which key made each change.
/// </summary>
public sealed record KeyHolder(string KeyId, string Role, string Scope)
{
    private const string KeyIdClaim = "grassroots:key-id", RoleClaim = "grassroots:role", ScopeClaim = "grassroots:scope";

    /// <summary>The user of a request made with this key; <paramref name="name"/> replaces "key:&lt;keyId&gt;" where there is no real key.</summary>
    public ClaimsPrincipal ToPrincipal(string scheme, string? name = null) => new KeyPrincipal(this, new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, name ?? $"key:{KeyId}"), new Claim(KeyIdClaim, KeyId),
            new Claim(RoleClaim, Role), new Claim(ScopeClaim, Scope),
        ], scheme));

    /// <summary>The key of an authenticated user; null otherwise.</summary>
    public static KeyHolder? From(ClaimsPrincipal user) =>
        user is KeyPrincipal { Identity.IsAuthenticated: true } principal ? principal.Holder
        : user.Identity?.IsAuthenticated == true
        && user.FindFirst(KeyIdClaim)?.Value is { } keyId
        && user.FindFirst(RoleClaim)?.Value is { } role
        && user.FindFirst(ScopeClaim)?.Value is { } scope
            ? new KeyHolder(keyId, role, scope)
            : null;

    /// <summary>
    /// The user <see cref="ToPrincipal"/> makes: its claims, and the key itself, which every access check of a request
    /// asks for (the claims read back cost three searches and a new holder each time). A user made otherwise (a copy, a
    /// test's) is read from its claims.
    /// </summary>
    private sealed class KeyPrincipal(KeyHolder holder, ClaimsIdentity identity) : ClaimsPrincipal(identity)
    {
        public KeyHolder Holder { get; } = holder;
    }
}
