using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grassroots.Silo.Security;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests.Security;

/// <summary>Where a key's request points: a branch, a county for new branches, a region to read, a province for honorees.</summary>
internal sealed record Target(string Branch, string County, string Region, string Province);

/// <summary>One request of a row: values for the route's {placeholders}, an optional query string and body.</summary>
internal sealed record Call(Dictionary<string, string> Values, string? Query = null, object? Body = null);

/// <summary>
/// One endpoint: its route exactly as mapped, the status each role gets inside and outside its scope, and how to
/// build a request at a target (creating whatever the request acts on, with the hq client, first).
/// </summary>
internal sealed record Row(string Method, string Route, (int In, int Out) Branch, (int In, int Out) Admin, (int In, int Out) Hq,
    Func<Setup, Target, string, Task<Call>> Prepare)
{
    public string Endpoint => $"{Method} {Route}";

    public int Expected(string role, bool inside)
    {
        var (whenInside, whenOutside) = role switch { Roles.Branch => Branch, Roles.RegionAdmin => Admin, _ => Hq };
        return inside ? whenInside : whenOutside;
    }

    public string Path(Call call) =>
        call.Values.Aggregate(Route, (path, v) => path.Replace($"{{{v.Key}}}", Uri.EscapeDataString(v.Value), StringComparison.Ordinal))
        + (call.Query is null ? "" : "?" + call.Query);
}

/// <summary>What a row may use to create what its request acts on.</summary>
internal sealed record Setup(HttpClient Hq, ApiKeyStore Keys);

/// <summary>
/// Every /api endpoint × role. The world (<see cref="RecordScenario.SeedAsync"/>): campaign c1; branches b1 (630102)
/// and b2 (630103) in 青海, b3 (440112) in 广东; honorees h1 (青海) and h2 (广东); record r0 of each kind in b1–b3.
/// Keys: branch b1, region-admin 630000 (青海), hq CN.
/// </summary>
internal static class AccessMatrix
{
    public static readonly (string Role, string Scope, Target Inside, Target Outside)[] Keys =
    [
        // A branch key: its own branch; a sibling branch in the same county's province is already outside.
        (Roles.Branch, "b1", new("b1", "630102", "630102", "630000"), new("b2", "630103", "630103", "440000")),
        (Roles.RegionAdmin, "630000", new("b2", "630103", "630100", "630000"), new("b3", "440112", "440000", "440000")),
        // hq has no outside: "outside" is simply somewhere else, and still allowed.
        (Roles.Hq, "CN", new("b1", "630102", "630000", "630000"), new("b3", "440112", "440000", "440000")),
    ];

    private const int Ok = 200, Created = 201, NoContent = 204, Refused = 403;
    private static readonly (int, int) Everyone = (Ok, Ok);

    public static readonly Row[] Rows =
    [
        new("GET", "/api/regions/{code}", Everyone, Everyone, Everyone, (_, t, _) => Done(new() { ["code"] = t.Region })),
        new("GET", "/api/regions/{code}/branches", (Refused, Refused), (Ok, Refused), Everyone,
            (_, t, _) => Done(new() { ["code"] = t.Region }, "campaignId=c1")),
        new("GET", "/api/campaigns", Everyone, Everyone, Everyone, (_, _, _) => Done(new())),
        new("GET", "/api/campaigns/{campaignId}", Everyone, Everyone, Everyone, (_, _, _) => Done(new() { ["campaignId"] = Campaign })),
        new("PUT", "/api/campaigns/{campaignId}", (Refused, Refused), (Refused, Refused), (Created, Created),
            (_, _, n) => Done(new() { ["campaignId"] = $"camp{n}" }, body: new { title = "新活动", startsOn = "2021-01-01" })),
        new("GET", "/api/branches/{branchId}", (Ok, Refused), (Ok, Refused), Everyone, (_, t, _) => Done(new() { ["branchId"] = t.Branch })),
        new("PUT", "/api/branches/{branchId}", (Refused, Refused), (Created, Refused), (Created, Created),
            (_, t, n) => Done(new() { ["branchId"] = $"nb{n}" }, body: new { name = "新工会", regionCode = t.County, memberCount = 10 })),
        new("GET", "/api/honorees", Everyone, Everyone, Everyone, (_, _, _) => Done([], "name=h")),
        new("GET", "/api/honorees/{honoreeId}", Everyone, Everyone, Everyone, (_, _, _) => Done(new() { ["honoreeId"] = "h2" })),
        new("PUT", "/api/honorees/{honoreeId}", (Refused, Refused), (Created, Refused), (Created, Created),
            (_, t, n) => Done(new() { ["honoreeId"] = $"nh{n}" }, body: new { name = "劳模", title = "other", provinceCode = t.Province })),
        .. RecordRows("study-sessions", "sessionId", Session()),
        .. RecordRows("honoree-talks", "talkId", Talk()),
        .. RecordRows("publicity", "itemId", Publicity()),
        .. RecordRows("competitions", "competitionId", Competition()),
        new("GET", "/api/rollups/{regionCode}", (Refused, Refused), (Ok, Refused), Everyone,
            (_, t, _) => Done(new() { ["regionCode"] = t.Region }, "campaignId=c1")),
        new("GET", "/api/rollups/{regionCode}/series", (Refused, Refused), (Ok, Refused), Everyone,
            (_, t, _) => Done(new() { ["regionCode"] = t.Region }, "campaignId=c1&interval=month")),
        new("GET", "/api/me", Everyone, Everyone, Everyone, (_, _, _) => Done(new())),
        new("GET", "/api/branches/{branchId}/records", (Ok, Refused), (Ok, Refused), Everyone,
            (_, t, _) => Done(new() { ["branchId"] = t.Branch }, "campaignId=c1")),
        new("GET", "/api/reports/honorees", (Refused, Refused), (Ok, Refused), Everyone,
            (_, t, _) => Done(new(), $"campaignId=c1&regionCode={t.Province}")),
        new("GET", "/api/reports/provinces.csv", (Refused, Refused), (Refused, Refused), Everyone, (_, _, _) => Done(new(), "campaignId=c1")),
        new("GET", "/api/reports/provinces.xlsx", (Refused, Refused), (Refused, Refused), Everyone, (_, _, _) => Done(new(), "campaignId=c1")),
        new("GET", "/api/reports/children.csv", (Refused, Refused), (Ok, Refused), Everyone,
            (_, t, _) => Done(new(), $"campaignId=c1&regionCode={t.Region}")),
        new("GET", "/api/reports/children.xlsx", (Refused, Refused), (Ok, Refused), Everyone,
            (_, t, _) => Done(new(), $"campaignId=c1&regionCode={t.Region}")),
        new("GET", "/api/reports/inactive-branches", (Refused, Refused), (Ok, Refused), Everyone,
            (_, t, _) => Done(new(), $"campaignId=c1&regionCode={t.Region}")),
        new("GET", "/api/reports/inactive-branches.csv", (Refused, Refused), (Ok, Refused), Everyone,
            (_, t, _) => Done(new(), $"campaignId=c1&regionCode={t.Region}")),
        new("GET", "/api/reports/inactive-branches.xlsx", (Refused, Refused), (Ok, Refused), Everyone,
            (_, t, _) => Done(new(), $"campaignId=c1&regionCode={t.Region}")),
        // A template is the same for every key but a county admin's, which lists the county's branches on a second sheet.
        new("GET", "/api/imports/templates/{type}.xlsx", Everyone, Everyone, Everyone, (_, _, _) => Done(new() { ["type"] = "study-sessions" })),
        // An import is open to every key; rows outside the key's scope are rejected one by one in its 200 answer.
        new("POST", "/api/imports", Everyone, Everyone, Everyone,
            (_, t, n) => Done([], body: new { studySessions = new[] { ImportRow(t.Branch, $"i{n}") } })),
        // A job is read by hq, by keys of the scope that started it and by region-admins above that scope.
        new("GET", "/api/imports/{importId}", (Ok, Refused), (Ok, Refused), Everyone, async (s, t, n) =>
        {
            var starter = await s.Keys.CreateAsync(Roles.Branch, t.Branch, $"importer {n}", "test");
            using var post = new HttpRequestMessage(HttpMethod.Post, "/api/imports?async=true&dryRun=true")
            {
                Content = JsonContent.Create(new { studySessions = new[] { ImportRow(t.Branch, $"j{n}") } }),
            };
            post.Headers.Authorization = new("Bearer", starter.Key);
            using var accepted = await s.Hq.SendAsync(post);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            var importId = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("importId").GetString()!;
            return new Call(new() { ["importId"] = importId });
        }),
        // Sign-off: reading periods is reading the region; a region submits its own; the region that approves it decides.
        new("GET", "/api/approvals/{regionCode}", (Refused, Refused), (Ok, Refused), Everyone,
            (_, t, _) => Done(new() { ["regionCode"] = t.Region }, "campaignId=c1")),
        new("GET", "/api/approvals/{regionCode}/{campaignId}/{period}", (Refused, Refused), (Ok, Refused), Everyone,
            (_, t, _) => Done(new() { ["regionCode"] = t.Region, ["campaignId"] = Campaign, ["period"] = "2020-12" })),
        new("POST", "/api/approvals/{regionCode}/{campaignId}/{period}/submit", (Refused, Refused), (Ok, Refused), (Ok, Ok),
            async (s, t, n) => PeriodCall(t.Province, await FreshCampaignAsync(s, n), body: new { })),
        new("POST", "/api/approvals/{regionCode}/{campaignId}/{period}/approve", (Refused, Refused), (Ok, Refused), (Ok, Ok),
            async (s, t, n) => PeriodCall(t.County, await SubmittedAsync(s, t.County, n), body: new { reason = "同意" })),
        new("POST", "/api/approvals/{regionCode}/{campaignId}/{period}/return", (Refused, Refused), (Ok, Refused), (Ok, Ok),
            async (s, t, n) => PeriodCall(t.County, await SubmittedAsync(s, t.County, n), body: new { reason = "请核实" })),
        new("POST", "/api/approvals/{regionCode}/{campaignId}/{period}/reopen", (Refused, Refused), (Ok, Refused), (Ok, Ok),
            async (s, t, n) => PeriodCall(t.County, await SubmittedAsync(s, t.County, n, approve: true), body: new { reason = "补录" })),
        // The audit trail is read like the branch or region it is about.
        new("GET", "/api/audit", (Ok, Refused), (Ok, Refused), Everyone, (_, t, _) => Done(new(), $"branchId={t.Branch}")),
        new("GET", "/api/audit.csv", (Ok, Refused), (Ok, Refused), Everyone, (_, t, _) => Done(new(), $"branchId={t.Branch}")),
        new("GET", "/api/audit.xlsx", (Ok, Refused), (Ok, Refused), Everyone, (_, t, _) => Done(new(), $"branchId={t.Branch}")),
        new("GET", "/api/keys", (Refused, Refused), (Ok, Ok), Everyone, (_, _, _) => Done(new())),
        new("POST", "/api/keys", (Refused, Refused), (Created, Refused), (Created, Created),
            (_, t, n) => Done([], body: new { role = Roles.Branch, scope = t.Branch, label = $"issued {n}" })),
        new("DELETE", "/api/keys/{keyId}", (Refused, Refused), (NoContent, Refused), (NoContent, NoContent),
            async (s, t, n) => new Call(new() { ["keyId"] = (await s.Keys.CreateAsync(Roles.Branch, t.Branch, $"victim {n}", "test")).Record.KeyId })),
    ];

    /// <summary>PUT (a new record), GET (r0) and DELETE (a record created for the purpose) under /api/branches/{branchId}/{kind}.</summary>
    private static Row[] RecordRows(string kind, string idName, object body)
    {
        var route = $"/api/branches/{{branchId}}/{kind}/{{{idName}}}";
        return
        [
            new("PUT", route, (Created, Refused), (Created, Refused), (Created, Created),
                (_, t, n) => Done(new() { ["branchId"] = t.Branch, [idName] = $"p{n}" }, body: body)),
            new("GET", route, (Ok, Refused), (Ok, Refused), Everyone, (_, t, _) => Done(new() { ["branchId"] = t.Branch, [idName] = "r0" })),
            new("DELETE", route, (NoContent, Refused), (NoContent, Refused), (NoContent, NoContent), async (s, t, n) =>
            {
                var path = $"/api/branches/{t.Branch}/{kind}/v{n}";
                Assert.Equal(HttpStatusCode.Created, (await s.Hq.PutAsync(path, body)).StatusCode);
                return new Call(new() { ["branchId"] = t.Branch, [idName] = $"v{n}" }, "reason=test");
            }),
        ];
    }

    /// <summary>Records r0 of each kind in b1, b2 and b3, logged with the hq client.</summary>
    public static async Task SeedRecordsAsync(HttpClient hq)
    {
        foreach (var branch in new[] { "b1", "b2", "b3" })
        foreach (var (kind, body) in new (string, object)[] { ("study-sessions", Session()), ("honoree-talks", Talk()), ("publicity", Publicity()),
                                                                  ("competitions", Competition()) })
            Assert.Equal(HttpStatusCode.Created, (await hq.PutAsync($"/api/branches/{branch}/{kind}/r0", body)).StatusCode);
    }

    /// <summary>An import row: the body of a study session's PUT with its branch and id.</summary>
    private static JsonObject ImportRow(string branchId, string id)
    {
        var row = JsonSerializer.SerializeToNode(Session(), JsonSerializerOptions.Web)!.AsObject();
        row["branchId"] = branchId;
        row["id"] = id;
        return row;
    }

    /// <summary>A campaign of its own for one request, so every sign-off step starts from an open period.</summary>
    private static async Task<string> FreshCampaignAsync(Setup s, string n)
    {
        var id = $"sign{n}";
        Assert.Equal(HttpStatusCode.Created, (await s.Hq.PutAsync($"/api/campaigns/{id}", new { title = "审核", startsOn = "2020-11-24" })).StatusCode);
        return id;
    }

    /// <summary>A fresh campaign whose 2020-12 hq has submitted for the county (and approved, when asked).</summary>
    private static async Task<string> SubmittedAsync(Setup s, string county, string n, bool approve = false)
    {
        var campaign = await FreshCampaignAsync(s, n);
        foreach (var step in approve ? new[] { "submit", "approve" } : ["submit"])
            Assert.Equal(HttpStatusCode.OK, (await s.Hq.PostAsJsonAsync($"/api/approvals/{county}/{campaign}/2020-12/{step}", new { })).StatusCode);
        return campaign;
    }

    private static Call PeriodCall(string region, string campaign, object body) =>
        new(new() { ["regionCode"] = region, ["campaignId"] = campaign, ["period"] = "2020-12" }, Body: body);

    private static Task<Call> Done(Dictionary<string, string> values, string? query = null, object? body = null) =>
        Task.FromResult(new Call(values, query, body));
}
