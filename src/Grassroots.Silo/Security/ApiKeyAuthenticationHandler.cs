using System.Text.Encodings.Web;
using Grassroots.Domain;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Grassroots.Silo.Security;

/// <summary>
/// "Authorization: Bearer &lt;api key&gt;" → a user carrying the key's id, role and scope. Without a header the
/// request is anonymous (and refused by the /api group with 401), except in the open development mode, where it
/// acts as hq. A header with a malformed, unknown, wrong or revoked key is always 401, in either mode.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger,
    UrlEncoder encoder, ApiKeyStore keys, IOptions<SecurityOptions> security, IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>Who an unauthenticated request is in the open development mode; the change log names it.</summary>
    public static readonly KeyHolder OpenDevelopment = new("open-development", Roles.Hq, "CN");

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
            return security.Value.OpenDevelopmentMode
                ? AuthenticateResult.Success(new AuthenticationTicket(OpenDevelopment.ToPrincipal(SchemeName, OpenDevelopment.KeyId), SchemeName))
                : AuthenticateResult.NoResult();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.Fail(new KeyRefused(new(MessageKeys.BearerMalformed)));
        // The key's grain may have been on a silo that was just lost: asking again is harmless.
        var key = await Failover.SiloFailover.RunAsync(Context.RequestServices, static asked => asked.keys.AuthenticateAsync(asked.token),
            (keys, token: header["Bearer ".Length..].Trim()), Context.RequestAborted);
        if (key is null) return AuthenticateResult.Fail(new KeyRefused(new(MessageKeys.ApiKeyUnknown)));
        return AuthenticateResult.Success(new AuthenticationTicket(Users.GetValue(key, static k => new KeyHolder(k.KeyId, k.Role, k.Scope).ToPrincipal(SchemeName)), SchemeName));
    }

    /// <summary>
    /// The user of each key as this silo holds it: made once per key rather than per request (a principal, an identity and
    /// four claims), and gone with the key when the silo's copy of the key is forgotten (a revocation) or ages out.
    /// </summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ApiKeyRecord, System.Security.Claims.ClaimsPrincipal> Users = new();

    /// <summary>401 as problem details, with the challenge RFC 6750 asks for.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = new Message(failure is null ? MessageKeys.ApiKeyRequired : MessageKeys.ApiKeyNotAccepted).InCurrentCulture(),
                Detail = (failure is KeyRefused refused ? refused.Reason : new Message(MessageKeys.BearerHint)).InCurrentCulture(),
            },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = StatusCodes.Status403Forbidden, Title = Access.RefusedTitle.InCurrentCulture() },
        });
    }

    /// <summary>Why a presented key was refused, said in the 401's detail.</summary>
    private sealed class KeyRefused(Message reason) : Exception(reason.English)
    {
        public Message Reason { get; } = reason;
    }
}
