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

    public async Task<JsonElement> PostAsync(string path, object body) =>
        await (await CheckAsync(await _http.PostAsJsonAsync(path, body), "POST", path)).Content.ReadFromJsonAsync<JsonElement>();

    public async Task DeleteAsync(string path) => await CheckAsync(await _http.DeleteAsync(path), "DELETE", path);

    public async Task<JsonElement> GetAsync(string path) =>
        await (await CheckAsync(await _http.GetAsync(path), "GET", path)).Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>A text answer as it is, e.g. a CSV report.</summary>
    public async Task<string> GetTextAsync(string path) =>
        await (await CheckAsync(await _http.GetAsync(path), "GET", path)).Content.ReadAsStringAsync();

    /// <summary>Issues a key over the API, as an admin would, and returns the key itself.</summary>
    public async Task<string> IssueKeyAsync(string role, string scope, string label)
    {
        var response = await CheckAsync(await _http.PostAsJsonAsync("/api/keys", new { role, scope, label }), "POST", "/api/keys");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
    }

    /// <summary>The answer's status without failing on an error status, e.g. 404 for a record that must not exist.</summary>
    public async Task<int> StatusAsync(string path) => (int)(await _http.GetAsync(path)).StatusCode;

    /// <summary>
    /// Polls <paramref name="path"/> until <paramref name="done"/> holds (figures follow a write by a moment, so a
    /// test waits for them rather than reading once), failing after <paramref name="seconds"/> with the last answer.
    /// </summary>
    public async Task<JsonElement> EventuallyAsync(string path, Func<JsonElement, bool> done, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var answer = await GetAsync(path);
            if (done(answer)) return answer;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}: not within {seconds} s. Last answer of {path}: {answer}");
            await Task.Delay(200);
        }
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
