using System.Globalization;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Commands;

namespace Grassroots.Silo.Security;

/// <summary>
/// `keys create|list|revoke` (parsed in <see cref="CommandLine"/>): how the first key of a PostgreSQL deployment is made,
/// and how keys are managed from a shell, with or without a running service. Only the new key goes to standard output, so
/// <c>KEY=$(… keys create …)</c> captures it; everything else goes to standard error.
/// </summary>
public sealed class KeysCommand(IServiceProvider services, TextWriter output, TextWriter error)
{
    private static string Actor => $"command:{Environment.UserName}";

    public async Task<int> CreateAsync(string? role, string? scope, string? label)
    {
        var request = new KeyRequest(role, scope, label);
        var problems = await FieldChecks.ValidateAsync(request, services);
        if (problems.Count == 0 && await KeysApi.CheckScopeAsync(request, services.GetRequiredService<Access>()) is { } wrong) problems = [("scope", wrong.English)];
        if (problems.Count > 0)
        {
            foreach (var (field, message) in problems) error.WriteLine($"{field}: {message}");
            return 1;
        }
        var issued = await services.GetRequiredService<ApiKeyStore>().CreateAsync(request.Role!, request.Scope!, request.Label!, Actor);
        // Said before the key, which follows on standard output, so that KEY=$(… keys create …) captures only the key.
        error.WriteLine($"Created key {issued.Record.KeyId} ({issued.Record.Role}, {issued.Record.Scope}, \"{issued.Record.Label}\"). " +
            "It is shown this once; send it as 'Authorization: Bearer <key>'.");
        output.WriteLine(issued.Key);
        return 0;
    }

    public async Task<int> ListAsync()
    {
        var keys = await services.GetRequiredService<ApiKeyTable>().ListAsync();
        output.WriteLine($"{"keyId",-16}  {"role",-12}  {"scope",-20}  {"created (UTC)",-16}  {"revoked (UTC)",-16}  label");
        foreach (var k in keys)
            output.WriteLine($"{k.KeyId,-16}  {k.Role,-12}  {k.Scope,-20}  {Time(k.CreatedAt),-16}  {(k.RevokedAt is { } at ? Time(at) : "-"),-16}  {k.Label}");
        error.WriteLine($"{keys.Count} keys, {keys.Count(k => !k.IsRevoked)} live. Keys themselves are not stored, so they cannot be shown.");
        return 0;
    }

    public async Task<int> RevokeAsync(string keyId)
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

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
