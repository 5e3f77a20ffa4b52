namespace Grassroots.Dashboard.Tests.Support;

/// <summary>
/// A branch of its own for each branch-page test, registered in 天河区 with a branch key, so the test's figures start at
/// zero and no other test moves them; its records go to <see cref="KnownData.Campaign"/>.
/// </summary>
public sealed record BranchData(string Id, string Name, string Key)
{
    public static async Task<BranchData> RegisterAsync(Api hq, string what)
    {
        var id = $"bp-{Guid.NewGuid():N}"[..20];
        var name = $"{what}测试工会";
        await hq.PutAsync($"/api/branches/{id}", new { name, regionCode = KnownData.Tianhe, memberCount = 60, kind = "enterprise" });
        return new BranchData(id, name, await hq.IssueKeyAsync("branch", id, name));
    }

    /// <summary>The branch's totals for the known campaign, as the API answers them now.</summary>
    public async Task<System.Text.Json.JsonElement> TotalsAsync(Api api) =>
        (await api.GetAsync($"/api/branches/{Id}?campaignId={KnownData.Campaign}")).GetProperty("totals");

    public string RecordPath(string kind, string id) => $"/api/branches/{Id}/{kind}/{id}";
}
