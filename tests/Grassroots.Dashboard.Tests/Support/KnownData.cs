using System.Text.Json;

namespace Grassroots.Dashboard.Tests.Support;

/// <summary>
/// What the browser tests stand on, loaded through the HTTP API: one campaign; in every province one branch that
/// logged a study session (attendance differs by province), in every third a publicity item and in every fourth a
/// labour competition; in 天河区 (Guangzhou) two more reporting branches and one that has not reported; honorees whose
/// talks fill the leaderboard.
/// The tests compare the page with the API's figures, so none of these numbers is asserted directly.
/// </summary>
public static class KnownData
{
    public const string Campaign = "dashboard-2021";
    public const string Guangdong = "440000", Guangzhou = "440100", Tianhe = "440106";
    public const string ReportingBranch = "gd-tianhe-1", SilentBranch = "gd-tianhe-idle";
    public const string ReportingBranchName = "天河区示范企业工会", SilentBranchName = "天河区未开展工会";
    public const string SessionTitle = "学习劳模精神专题会";
    private static readonly DateOnly Starts = new(2021, 1, 4);

    public static async Task LoadAsync(Api hq)
    {
        await hq.PutAsync($"/api/campaigns/{Campaign}",
            new { title = "看板测试：学习宣传劳模精神", startsOn = "2021-01-04", endsOn = "2021-06-30" });
        await hq.PutAsync("/api/honorees/gd-h1", new { name = "测试劳模甲", title = "national-model-worker", provinceCode = Guangdong });
        await hq.PutAsync("/api/honorees/qh-h1", new { name = "测试劳模乙", title = "great-craftsman", provinceCode = "630000" });

        var provinces = (await hq.GetAsync("/api/regions/CN")).GetProperty("children").EnumerateArray()
            .Select(c => (Code: c.Code(), Name: c.GetProperty("name").GetString()!)).ToArray();
        for (var i = 0; i < provinces.Length; i++)
        {
            var branch = $"b-{provinces[i].Code}";
            await hq.PutAsync($"/api/branches/{branch}", new
            {
                name = $"{provinces[i].Name}示范基层工会", regionCode = await FirstCountyAsync(hq, provinces[i].Code), memberCount = 100 + i,
                kind = "enterprise",
            });
            await LogSessionAsync(hq, branch, "s1", 20 + 7 * i, Starts.AddDays(i % 40));
            if (i % 3 == 0) await LogPublicityAsync(hq, branch, "p1", 1000 * (i + 1), Starts.AddDays(10 + i % 30));
            if (i % 4 == 1) await LogCompetitionAsync(hq, branch, "c1", 50 + 11 * i, 3 + i % 7, Starts.AddDays(20 + i % 30));
        }

        await RegisterAsync(hq, ReportingBranch, ReportingBranchName);
        await RegisterAsync(hq, "gd-tianhe-2", "天河区第二工会");
        await RegisterAsync(hq, SilentBranch, SilentBranchName);
        await LogSessionAsync(hq, ReportingBranch, "s1", 45, new DateOnly(2021, 3, 1));
        await LogTalkAsync(hq, ReportingBranch, "t1", ["gd-h1"], 300, new DateOnly(2021, 3, 2));
        await LogTalkAsync(hq, $"b-{Guangdong}", "t1", ["gd-h1"], 120, new DateOnly(2021, 3, 9));
        await LogTalkAsync(hq, "b-630000", "t1", ["qh-h1"], 80, new DateOnly(2021, 3, 3));
        // A joint talk: one talk in the national figures, one on each honoree's line of the leaderboard.
        await LogTalkAsync(hq, "b-630000", "t2", ["qh-h1", "gd-h1"], 60, new DateOnly(2021, 3, 4));
        await LogPublicityAsync(hq, "gd-tianhe-2", "p1", 2500, new DateOnly(2021, 3, 5));
    }

    public static Task LogSessionAsync(Api api, string branch, string id, int attendees, DateOnly heldOn) =>
        api.PutAsync($"/api/branches/{branch}/study-sessions/{id}", new
        {
            campaignId = Campaign, title = SessionTitle, heldOn = Date(heldOn), format = "offline", kind = "group-study",
            attendees = new { total = attendees, frontline = attendees / 2, youth = attendees / 4, women = attendees / 3 },
        });

    private static Task LogTalkAsync(Api api, string branch, string id, string[] honorees, int audience, DateOnly heldOn) =>
        api.PutAsync($"/api/branches/{branch}/honoree-talks/{id}", new
        {
            campaignId = Campaign, honoreeIds = honorees, title = "劳模进企业宣讲", heldOn = Date(heldOn), venue = "enterprise",
            format = "onsite", audience, onlineViews = audience * 10,
        });

    private static Task LogPublicityAsync(Api api, string branch, string id, int reach, DateOnly publishedOn) =>
        api.PutAsync($"/api/branches/{branch}/publicity/{id}", new
        {
            campaignId = Campaign, channel = "wechat", outlet = "工会微信公众号", title = "劳模风采展示", publishedOn = Date(publishedOn), reach,
        });

    private static Task LogCompetitionAsync(Api api, string branch, string id, int participants, int awardees, DateOnly startsOn) =>
        api.PutAsync($"/api/branches/{branch}/competitions/{id}", new
        {
            campaignId = Campaign, title = "劳动和技能竞赛", kind = "labour", startsOn = Date(startsOn), endsOn = Date(startsOn.AddDays(2)),
            participants = new { total = participants, frontline = participants / 2 }, awardees,
        });

    private static Task RegisterAsync(Api hq, string id, string name) =>
        hq.PutAsync($"/api/branches/{id}", new { name, regionCode = Tianhe, memberCount = 80, kind = "enterprise" });

    /// <summary>Down the first child at every level to a county-level region, where branches register.</summary>
    private static async Task<string> FirstCountyAsync(Api api, string code)
    {
        while (true)
        {
            var children = (await api.GetAsync($"/api/regions/{code}")).GetProperty("children");
            if (children.GetArrayLength() == 0) return code;
            code = children[0].GetProperty("code").GetString()!;
        }
    }

    private static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static string Code(this JsonElement region) => region.GetProperty("code").GetString()!;
}
