using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Grassroots.Dashboard.Tests.Support;

/// <summary>The service's HTTP API with one key: how the tests load known data and learn the figures the page must show.</summary>
public sealed class Api : IDisposable
{
    private readonly HttpClient _http;

    public Api(Uri baseAddress, string key)
    {
        _http = new HttpClient { BaseAddress = baseAddress };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
    }

    public async Task PutAsync(string path, object body) => await CheckAsync(await _http.PutAsJsonAsync(path, body), "PUT", path);

    public async Task<JsonElement> GetAsync(string path) =>
        await (await CheckAsync(await _http.GetAsync(path), "GET", path)).Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Issues a key over the API, as an admin would, and returns the key itself.</summary>
    public async Task<string> IssueKeyAsync(string role, string scope, string label)
    {
        var response = await CheckAsync(await _http.PostAsJsonAsync("/api/keys", new { role, scope, label }), "POST", "/api/keys");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    /// <summary>The rollup of a region for the known campaign.</summary>
    public Task<JsonElement> RollupAsync(string code) => GetAsync($"/api/rollups/{code}?campaignId={KnownData.Campaign}");

    private static async Task<HttpResponseMessage> CheckAsync(HttpResponseMessage response, string method, string path)
    {
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    public void Dispose() => _http.Dispose();
}
