using System.Net;
using System.Net.Http.Json;
using Grassroots.Silo.Campaigns;
using Grassroots.Silo.FunctionalTests.Security;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Security;
using Grassroots.Silo.SignOff;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests.Approvals;

/// <summary>
/// Sign-off across three levels (上报 → 审核 → 审核): a county submits a month, its province approves it, the province
/// submits its own month and headquarters approves that; returns, re-submissions, re-openings and retries; who may take
/// which step; and what each step records — who (key id and label), when, why, and the figures.
/// </summary>
public sealed class SignOffWorkflowTests
{
    private const string Month = "2020-12";

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task ACountySubmitsItsProvinceApprovesAndHeadquartersApprovesTheProvince(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var hq = app.CreateClient();
        var (countyKey, cityKey, provinceKey) = (await app.IssueAsync(Roles.RegionAdmin, "630102"), await app.IssueAsync(Roles.RegionAdmin, "630100"),
            await app.IssueAsync(Roles.RegionAdmin, "630000"));
        var (county, city, province) = (app.ClientWith(countyKey), app.ClientWith(cityKey), app.ClientWith(provinceKey));
        Assert.Equal(HttpStatusCode.Created, (await hq.PutAsync("/api/branches/b1/study-sessions/s1", Session(45))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await hq.PutAsync("/api/branches/b1/study-sessions/s2", Session(30, new DateOnly(2020, 12, 20)))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await hq.PutAsync("/api/branches/b1/study-sessions/s3", Session(99, new DateOnly(2021, 1, 5)))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await hq.PutAsync("/api/branches/b2/study-sessions/s1", Session(20))).StatusCode);

        // 上报: the county's own key submits; the figures are the rollup's for the month, taken once it is locked.
        var submitted = await county.TakeAsync("submit", "630102", Month, "本月已核对");
        Assert.Equal(("submitted", true, false, "630000"), (submitted.State, submitted.Locked, submitted.Pending, submitted.ApproverCode));
        var step = Assert.Single(submitted.History);
        Assert.Equal(("submit", "submitted", Keys.KeyIdOf(countyKey), "test region-admin 630102", "本月已核对"),
            (step.Action, step.State, step.By.KeyId, step.By.Label, step.Reason));
        Assert.Equal((2L, 75L), (step.Figures!.StudySessions, step.Figures.Attendance));
        var rollup = await hq.RollupAsync("630102", "campaignId=c1&from=2020-12-01&to=2020-12-31");
        Assert.Equal(rollup.Totals, submitted.Submitted);

        // 审核: only the approving region (the province, next on the path county → province → national) or hq decides.
        await (await county.StepAsync("approve", "630102", Month)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await city.StepAsync("approve", "630102", Month)).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await county.StepAsync("submit", "630000", Month)).AssertProblemAsync(HttpStatusCode.Forbidden);
        var approved = await province.TakeAsync("approve", "630102", Month, "数据无误");
        Assert.Equal(("approved", true), (approved.State, approved.Locked));
        Assert.Equal(("approve", Keys.KeyIdOf(provinceKey), "数据无误"), (approved.History[1].Action, approved.History[1].By.KeyId, approved.History[1].Reason));
        // A retry of a step already taken answers the period as it stands; a step from the wrong state is a conflict.
        Assert.Equal(2, (await province.TakeAsync("approve", "630102", Month)).History.Count);
        await (await county.StepAsync("submit", "630102", Month)).AssertProblemAsync(HttpStatusCode.Conflict);

        // The province's view: the counties it approves, its cities (not on the path) with the states inside them.
        var provinceView = await province.PeriodAsync("630000", Month);
        Assert.Equal(("open", "CN"), (provinceView.State, provinceView.ApproverCode));
        Assert.Equal("approved", provinceView.Approvees.Single(a => a.Code == "630102").State);
        Assert.Equal(rollup.Totals, provinceView.Approvees.Single(a => a.Code == "630102").Submitted);
        Assert.All(provinceView.Approvees.Where(a => a.Code != "630102"), a => Assert.Equal("open", a.State));
        var xining = provinceView.Children.Single(c => c.Code == "630100");
        Assert.Null(xining.State);
        Assert.Equal(1, xining.Below.Approved);
        var list = await (await province.GetAsync("/api/approvals/630000?campaignId=c1")).ReadAsync<RegionPeriods>(HttpStatusCode.OK);
        Assert.Equal(("month", true, "CN"), (list.ReportingPeriod, list.Submits, list.ApproverCode));
        Assert.Equal(["2021-12", "2020-11"], new[] { list.Periods[0].Period, list.Periods[^1].Period });
        Assert.Equal(1, list.Periods.Single(p => p.Period == Month).Approvees!.Approved);

        // 退回: a reason is required; the county fixes its figures and submits again.
        var otherCounty = app.ClientWith(await app.IssueAsync(Roles.RegionAdmin, "630103"));
        await otherCounty.TakeAsync("submit", "630103", Month);
        await (await province.StepAsync("return", "630103", Month)).AssertProblemAsync(HttpStatusCode.BadRequest, "reason");
        var returned = await province.TakeAsync("return", "630103", Month, "参与人次有误，请核实");
        Assert.Equal(("returned", false), (returned.State, returned.Locked));
        Assert.Equal(HttpStatusCode.OK, (await hq.PutAsync("/api/branches/b2/study-sessions/s1", Session(25))).StatusCode);
        var again = await otherCounty.TakeAsync("submit", "630103", Month, "已更正");
        Assert.Equal(["submit", "return", "submit"], again.History.Select(h => h.Action));
        Assert.Equal((20L, 25L), (again.History[0].Figures!.Attendance, again.History[2].Figures!.Attendance));

        // The province submits its own month; headquarters, next on the path, approves it.
        var provinceSubmitted = await province.TakeAsync("submit", "630000", Month);
        Assert.Equal((3L, 100L), (provinceSubmitted.Submitted!.StudySessions, provinceSubmitted.Submitted.Attendance));
        await (await province.StepAsync("approve", "630000", Month)).AssertProblemAsync(HttpStatusCode.Forbidden);
        var national = await hq.TakeAsync("approve", "630000", Month, "同意");
        Assert.Equal("approved", national.State);
        var cn = await hq.PeriodAsync("CN", Month);
        Assert.Equal((false, (string?)null), (cn.Submits, cn.State));
        Assert.Equal("approved", cn.Children.Single(c => c.Code == "630000").State);
        Assert.Equal("open", cn.Children.Single(c => c.Code == "440000").State);

        // Re-opening: the level that approved, with a reason.
        await (await county.StepAsync("reopen", "630102", Month, "自行重开")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await (await province.StepAsync("reopen", "630102", Month)).AssertProblemAsync(HttpStatusCode.BadRequest, "reason");
        var reopened = await province.TakeAsync("reopen", "630102", Month, "需补录一场学习");
        Assert.Equal(("open", false), (reopened.State, reopened.Locked));
        Assert.Equal(["submit", "approve", "reopen"], reopened.History.Select(h => h.Action));
        await (await province.StepAsync("reopen", "630102", Month, "再开一次")).ReadAsync<PeriodDetail>(HttpStatusCode.OK); // a retry
        await (await province.StepAsync("approve", "630102", Month)).AssertProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task AWeeklyCampaignWithItsOwnPathIsSignedOffByWeekAlongThatPath(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var hq = app.CreateClient();
        var created = await (await hq.PutAsync("/api/campaigns/weekly", new
        {
            title = "每周学习", startsOn = "2020-11-24", endsOn = "2021-03-31", reportingPeriod = "week", approvalPath = new[] { "county", "city", "province" },
        })).ReadAsync<CampaignDto>(HttpStatusCode.Created);
        Assert.Equal("week", created.ReportingPeriod);
        Assert.Equal(["county", "city", "province"], created.ApprovalPath);
        Assert.Equal("month", (await hq.GetFromJsonAsync<CampaignDto>("/api/campaigns/c1", Json))!.ReportingPeriod);

        // Periods of the campaign's kind, inside it, not after today; regions on its path only.
        await (await hq.StepAsync("submit", "630102", "2020-12", campaign: "weekly")).AssertProblemAsync(HttpStatusCode.BadRequest, "period");
        await (await hq.StepAsync("submit", "630102", "2021-W20", campaign: "weekly")).AssertProblemAsync(HttpStatusCode.BadRequest, "period");
        await (await hq.StepAsync("submit", "630102", "2020-W53", campaign: "weekly")).ReadAsync<PeriodDetail>(HttpStatusCode.OK);
        await (await hq.StepAsync("submit", "630000", "2020-W49", campaign: "weekly")).AssertProblemAsync(HttpStatusCode.BadRequest, "regionCode");
        await (await hq.StepAsync("submit", "630102", "2020-W54", campaign: "weekly")).AssertProblemAsync(HttpStatusCode.BadRequest, "period");
        await (await hq.StepAsync("submit", "630102", "2020-W49", campaign: "nope")).AssertProblemAsync(HttpStatusCode.BadRequest, "campaignId");
        await (await hq.StepAsync("submit", "999999", "2020-W49", campaign: "weekly")).AssertProblemAsync(HttpStatusCode.NotFound);

        // County → city → province: the city decides its counties, the province its cities.
        var (city, province) = (await app.ClientAsync(Roles.RegionAdmin, "630100"), await app.ClientAsync(Roles.RegionAdmin, "630000"));
        var county = await app.ClientAsync(Roles.RegionAdmin, "630102");
        Assert.Equal("630100", (await county.TakeAsync("submit", "630102", "2020-W49", campaign: "weekly")).ApproverCode);
        await (await province.StepAsync("approve", "630102", "2020-W49", campaign: "weekly")).AssertProblemAsync(HttpStatusCode.Forbidden);
        await city.TakeAsync("approve", "630102", "2020-W49", campaign: "weekly");
        Assert.Equal("630000", (await city.TakeAsync("submit", "630100", "2020-W49", campaign: "weekly")).ApproverCode);
        Assert.Equal("approved", (await province.TakeAsync("approve", "630100", "2020-W49", campaign: "weekly")).State);

        // With periods signed off, the campaign's period kind and path stay as they were signed off under.
        await (await hq.PutAsync("/api/campaigns/weekly", new { title = "每周学习", startsOn = "2020-11-24", endsOn = "2021-03-31" }))
            .AssertProblemAsync(HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.OK, (await hq.PutAsync("/api/campaigns/weekly", new
        {
            title = "每周学习（更名）", startsOn = "2020-11-24", endsOn = "2021-03-31", reportingPeriod = "week", approvalPath = new[] { "county", "city", "province" },
        })).StatusCode);
        await (await hq.PutAsync("/api/campaigns/bad-path", new { title = "x", startsOn = "2020-11-24", approvalPath = new[] { "province", "county" } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "approvalPath");
    }
}
