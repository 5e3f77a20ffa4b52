using System.Globalization;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Security;

namespace Grassroots.Silo.Commands;

/// <summary>
/// `keys create|list|revoke`: how the first key of a PostgreSQL deployment is made, and how keys are managed from a
/// shell, with or without a running service. Only the new key goes to standard output, so
/// <c>KEY=$(… keys create …)</c> captures it; everything else goes to standard error.
/// </summary>
public sealed class KeysCommand(IServiceProvider services, TextWriter output, TextWriter error)
{
    private static string Actor => $"command:{Environment.UserName}";

    public async Task<int> RunAsync(string[] args) => args switch
    {
        ["create", .. var options] => await CreateAsync(options),
        // Options other than create's are configuration (--Storage:Provider=…), already read by the host.
        ["list", .. var rest] when Options(rest) is not null => await ListAsync(),
        ["revoke", var keyId, .. var rest] when !keyId.StartsWith('-') && Options(rest) is not null => await RevokeAsync(keyId),
        _ => CommandLine.Usage(error),
    };

    private async Task<int> CreateAsync(string[] args)
    {
        if (Options(args) is not { } options) return CommandLine.Usage(error);
        var request = new KeyRequest(options.GetValueOrDefault("role"), options.GetValueOrDefault("scope"), options.GetValueOrDefault("label"));
        var problems = await FieldChecks.ValidateAsync(request, services);
        if (problems.Count == 0 && await KeysApi.CheckScopeAsync(request, services.GetRequiredService<Access>()) is { } scope) problems = [("scope", scope)];
        if (problems.Count > 0)
        {
            foreach (var (field, message) in problems) error.WriteLine($"{field}: {message}");
            return 1;
        }
        var issued = await services.GetRequiredService<ApiKeyStore>().CreateAsync(request.Role!, request.Scope!, request.Label!, Actor);
        error.WriteLine($"Created key {issued.Record.KeyId} ({issued.Record.Role}, {issued.Record.Scope}, \"{issued.Record.Label}\"). " +
            "It is shown this once; send it as 'Authorization: Bearer <key>':");
        output.WriteLine(issued.Key);
        return 0;
    }

    private async Task<int> ListAsync()
    {
        var keys = await services.GetRequiredService<ApiKeyProjection>().ListAsync();
        output.WriteLine($"{"keyId",-16}  {"role",-12}  {"scope",-20}  {"created (UTC)",-16}  {"revoked (UTC)",-16}  label");
        foreach (var k in keys)
            output.WriteLine($"{k.KeyId,-16}  {k.Role,-12}  {k.Scope,-20}  {Time(k.CreatedAt),-16}  {(k.RevokedAt is { } at ? Time(at) : "-"),-16}  {k.Label}");
        error.WriteLine($"{keys.Count} keys, {keys.Count(k => !k.IsRevoked)} live. Keys themselves are not stored, so they cannot be shown.");
        return 0;
    }

    private async Task<int> RevokeAsync(string keyId)
    {
        var result = await services.GetRequiredService<ApiKeyStore>().RevokeAsync(keyId, Actor);
        error.WriteLine(result switch
        {
            Revocation.Revoked => $"Revoked key {keyId}. Every silo refuses it from now on.",
            Revocation.AlreadyRevoked => $"Key {keyId} was already revoked.",
            _ => $"No key has the id '{keyId}'.",
        });
        return result == Revocation.Unknown ? 1 : 0;
    }

    /// <summary>"--name value" or "--name=value" pairs; null when anything else is given.</summary>
    private static Dictionary<string, string>? Options(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal)) return null;
            var name = args[i][2..];
            if (name.IndexOf('=') is var eq and >= 0) options[name[..eq]] = name[(eq + 1)..];
            else if (i + 1 < args.Length) options[name] = args[++i];
            else return null;
        }
        return options;
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
