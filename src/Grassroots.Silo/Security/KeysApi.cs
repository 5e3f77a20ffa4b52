using Grassroots.Domain;
using Grassroots.Silo.Apis;
using Microsoft.AspNetCore.Http.HttpResults;
using IdAttribute = Grassroots.Silo.Apis.IdAttribute;
using RequiredAttribute = Grassroots.Silo.Apis.RequiredAttribute;

namespace Grassroots.Silo.Security;

/// <summary>
/// API keys (docs/architecture.md, "Security"): hq issues and revokes any key, a region-admin region-admin and branch keys inside its
/// subtree. The key itself is in the answer to POST and nowhere else, ever.
/// </summary>
public static class KeysApi
{
    public const int MaxLabel = 200;

    public static RouteGroupBuilder MapKeysApi(this RouteGroupBuilder api)
    {
        var keys = api.MapGroup("keys").WithTags("Keys");
        keys.MapPost("", IssueKeyAsync).WithName("IssueKey")
            .WithSummary("Issues a key with a role and scope; the answer holds the key, which is shown this once.");
        keys.MapGet("", ListKeysAsync).WithName("ListKeys")
            .WithSummary("The keys the caller may manage (hq: every key; a region-admin: those below it), without their secrets.");
        keys.MapDelete("{keyId}", RevokeKeyAsync).WithName("RevokeKey")
            .WithSummary("Revokes a key (204); it is refused from then on. Revoking twice changes nothing.");
        return api;
    }

    public static async Task<Results<Created<IssuedKeyDto>, ValidationProblem, ProblemHttpResult>> IssueKeyAsync(
        [Body] KeyRequest request, ApiKeyStore keys, Access access, HttpContext context, CancellationToken cancellationToken)
    {
        if (!Access.CanManageKeys(context.User)) return Access.Refused();
        if (await CheckScopeAsync(request, access) is { } problem) return FieldChecks.Invalid("scope", problem);
        if (!await access.CanManageKeyAsync(context.User, request.Role!, request.Scope!)) return Access.Refused();

        var issued = await keys.CreateAsync(request.Role!, request.Scope!, request.Label!, Caller.Actor(context));
        var key = issued.Record;
        return TypedResults.Created((string?)null, new IssuedKeyDto(key.KeyId, issued.Key, key.Role, key.Scope, key.Label, key.CreatedAt));
    }

    public static async Task<Results<Ok<KeyList>, ProblemHttpResult>> ListKeysAsync(ApiKeyStore keys, Access access, HttpContext context,
        CancellationToken cancellationToken)
    {
        if (!Access.CanManageKeys(context.User)) return Access.Refused();
        var mine = new List<KeyDto>();
        foreach (var key in await keys.ListAsync(cancellationToken))
            if (await access.CanManageKeyAsync(context.User, key.Role, key.Scope)) mine.Add(KeyDto.From(key));
        return TypedResults.Ok(new KeyList(mine));
    }

    public static async Task<Results<NoContent, NotFound, ValidationProblem, ProblemHttpResult>> RevokeKeyAsync(
        [Id] string keyId, ApiKeyStore keys, Access access, HttpContext context, CancellationToken cancellationToken)
    {
        if (!Access.CanManageKeys(context.User)) return Access.Refused();
        if (await keys.FindAsync(keyId) is not { } key) return TypedResults.NotFound();
        if (!await access.CanManageKeyAsync(context.User, key.Role, key.Scope)) return Access.Refused();

        await keys.RevokeAsync(keyId, Caller.Actor(context));
        return TypedResults.NoContent();
    }

    /// <summary>Why the scope of a request whose field rules passed does not fit its role (CN; a province, city or county; a registered branch); null when it does.</summary>
    public static async Task<Message?> CheckScopeAsync(KeyRequest request, Access access) =>
        await access.ScopeRegionAsync(request.Role!, request.Scope!) is not null ? null : request.Role switch
        {
            Roles.Hq => new Message(MessageKeys.HqScope),
            Roles.RegionAdmin => new Message(MessageKeys.NotAScope, request.Scope!),
            _ => new Message(MessageKeys.NoRegisteredBranch, request.Scope!),
        };
}

[Microsoft.Extensions.Validation.ValidatableType]
public sealed record KeyRequest(
    [property: Required, OneOf(typeof(Roles), nameof(Roles.All))] string? Role,
    [property: Required, Id] string? Scope,
    [property: Required, Text(KeysApi.MaxLabel)] string? Label);

/// <summary>A key as listed: everything but the key itself, which is never shown again after it is issued.</summary>
public sealed record KeyDto(string KeyId, string Role, string Scope, string Label, DateTimeOffset CreatedAt, string CreatedBy,
    DateTimeOffset? RevokedAt, string? RevokedBy)
{
    public static KeyDto From(ApiKeyRecord k) => new(k.KeyId, k.Role, k.Scope, k.Label, k.CreatedAt, k.CreatedBy, k.RevokedAt, k.RevokedBy);
}

public sealed record KeyList(IReadOnlyList<KeyDto> Items);

/// <summary>A key just issued; <see cref="Key"/> goes in "Authorization: Bearer …" and is not shown again.</summary>
public sealed record IssuedKeyDto(string KeyId, string Key, string Role, string Scope, string Label, DateTimeOffset CreatedAt);
