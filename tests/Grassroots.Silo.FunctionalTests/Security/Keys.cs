using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Security;
using Grassroots.Storage;

namespace Grassroots.Silo.FunctionalTests.Security;

/// <summary>Issuing keys for a test straight through the store, and reading what the database holds about them.</summary>
internal static class Keys
{
    public static async Task<string> IssueAsync(this GrassrootsApp app, string role, string scope) =>
        (await app.Service<ApiKeyStore>().CreateAsync(role, scope, $"test {role} {scope}", "test")).Key;

    /// <summary>A client sending a freshly issued key of <paramref name="role"/> for <paramref name="scope"/>.</summary>
    public static async Task<HttpClient> ClientAsync(this GrassrootsApp app, string role, string scope) =>
        app.ClientWith(await app.IssueAsync(role, scope));

    public static string KeyIdOf(string key) => ApiKeySecret.Parse(key)!.KeyId;

    /// <summary>The change log's rows about one entity, oldest first, as "actor action after_json".</summary>
    public static Task<List<string>> ChangesAsync(this GrassrootsApp app, string entity, string key) =>
        app.Service<Database>().QueryAsync(
            "SELECT actor, action, after_json FROM change_log WHERE entity = $1 AND entity_key = $2 ORDER BY change_id",
            [entity, key], r => $"{r.GetString(0)} {r.GetString(1)} {(r.IsDBNull(2) ? "" : r.GetString(2))}");
}
