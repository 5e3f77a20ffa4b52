using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Silo.Security;

/// <summary>The key behind a request, so a client such as the dashboard knows where its holder's view begins.</summary>
public static class MeApi
{
    public static RouteGroupBuilder MapMeApi(this RouteGroupBuilder api)
    {
        api.MapGet("me", GetMeAsync).WithTags("Keys").WithName("GetMe")
            .WithSummary("The presented key's id, role, scope and label (never its secret).");
        return api;
    }

    public static async Task<Results<Ok<MeDto>, UnauthorizedHttpResult>> GetMeAsync(ApiKeyStore keys, HttpContext context)
    {
        // The /api group already refuses unauthenticated requests; this only guards against a user without key claims.
        if (KeyHolder.From(context.User) is not { } holder) return TypedResults.Unauthorized();
        // The open development mode's stand-in hq has no stored key, hence no label.
        var label = (await keys.FindAsync(holder.KeyId))?.Label;
        return TypedResults.Ok(new MeDto(holder.KeyId, holder.Role, holder.Scope, label));
    }
}

/// <summary>Who the caller is: role <c>hq</c> (scope CN), <c>region-admin</c> (a region code) or <c>branch</c> (a branch id).</summary>
public sealed record MeDto(string KeyId, string Role, string Scope,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    string? Label);
