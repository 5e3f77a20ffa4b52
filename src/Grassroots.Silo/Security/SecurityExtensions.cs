using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace Grassroots.Silo.Security;

public static class SecurityExtensions
{
    /// <summary>API keys: the store, the "ApiKey" bearer scheme as the default, the scope rules and the first-start hq key.</summary>
    public static WebApplicationBuilder AddGrassrootsSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SecurityOptions>().BindConfiguration("Security");
        services.AddApiKeys();
        // AddAuthenticationCore rather than AddAuthentication: bearer keys need no cookies, so no data-protection key ring.
        services.AddWebEncoders();
        services.AddAuthenticationCore(o => o.DefaultScheme = ApiKeyAuthenticationHandler.SchemeName);
        new AuthenticationBuilder(services).AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(
            ApiKeyAuthenticationHandler.SchemeName, null);
        // Endpoints that ask for authorization need a key (401 without one); what the key may do is decided by Access.
        // No scheme named on the policy: the user UseAuthentication set is used as is, so a key is checked once per request.
        services.AddAuthorizationBuilder().SetDefaultPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        services.AddHostedService<FirstStartHqKey>();
        return builder;
    }

    /// <summary>Issuing, checking and listing keys and the scope rules: what the service and the `keys` command share.</summary>
    public static IServiceCollection AddApiKeys(this IServiceCollection services)
    {
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<ApiKeyCache>();
        services.AddSingleton<Grassroots.Domain.Caching.ISiloCache>(sp => sp.GetRequiredService<ApiKeyCache>());
        services.AddSingleton<ApiKeyTable>();
        services.AddSingleton<Access>();
        return services;
    }
}
