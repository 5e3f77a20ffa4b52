using System.Net;
using Grassroots.Silo.FunctionalTests.Imports;
using Grassroots.Silo.FunctionalTests.Security;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Reports;
using Grassroots.Silo.Security;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests.Approvals;

/// <summary>
/// The child-regions report of a sign-off period carries the dashboard's 审核状态 column: a child that submits by its
/// own state, one that does not by how far the regions inside it are, a child with none inside it that submits by "—".
/// </summary>
public sealed class SignOffInReportsTests
{
    private const string Month = "2020-12";

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task TheChildRegionsReportOfAPeriodNamesEachChildsSignOff(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var hq = app.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await hq.PutAsync("/api/branches/b1/study-sessions/s1", Session(45))).StatusCode);
        var (east, central, province) = (app.ClientWith(await app.IssueAsync(Roles.RegionAdmin, "630102")),
            app.ClientWith(await app.IssueAsync(Roles.RegionAdmin, "630103")), app.ClientWith(await app.IssueAsync(Roles.RegionAdmin, "630000")));
        await east.TakeAsync("submit", "630102", Month);
        await province.TakeAsync("approve", "630102", Month);
        await central.TakeAsync("submit", "630103", Month);

        // Qinghai's cities (not on the path county → province → national): the counties inside each.
        const string query = "regionCode=630000&campaignId=c1";
        var plain = ReportsTests.Parse(await province.GetByteArrayAsync($"/api/reports/children.csv?{query}"));
        var signed = ReportsTests.Parse(await province.GetByteArrayAsync($"/api/reports/children.csv?{query}&period={Month}"));
        Assert.Equal(["地区代码", "地区", .. ReportsApi.FigureHeaders, "审核状态"], signed[0]);
        Assert.Equal(plain.Skip(1), signed.Skip(1).Select(row => row[..^1]));
        var xining = (await province.PeriodAsync("630000", Month)).Children.Single(c => c.Code == "630100").Below;
        Assert.Equal((1, 1), (xining.Approved, xining.Submitted));
        var counties = xining.Open + xining.Submitted + xining.Approved + xining.Returned;
        Assert.Equal($"已审核 1/{counties}，待审 1", Row(signed, "630100")[^1]);
        var haidong = Row(signed, "630200")[^1];
        Assert.Matches(@"^已审核 0/[1-9]\d*$", haidong);
        Assert.Equal("", signed[^1][^1]); // the province's own total

        // The nation's provinces submit: each by its own state.
        Assert.Equal("未上报", Row(await NationalAsync(hq), "630000")[^1]);
        await province.TakeAsync("submit", "630000", Month);
        Assert.Equal("已上报", Row(await NationalAsync(hq), "630000")[^1]);
        await hq.TakeAsync("approve", "630000", Month);
        var national = await NationalAsync(hq);
        Assert.Equal(("已审核", "未上报"), (Row(national, "630000")[^1], Row(national, "440000")[^1]));

        // A period the campaign has not (another kind, malformed, before it began): 400 naming period.
        foreach (var period in new[] { "2020-W50", "2020-13", "2019-01" })
            await (await hq.GetAsync($"/api/reports/children.csv?{query}&period={period}")).AssertProblemAsync(HttpStatusCode.BadRequest, "period");
        await (await hq.GetAsync($"/api/reports/children.xlsx?{query}&period=2020-13")).AssertProblemAsync(HttpStatusCode.BadRequest, "period");
    }

    private static async Task<List<string[]>> NationalAsync(HttpClient client) =>
        ReportsTests.Parse(await client.GetByteArrayAsync($"/api/reports/children.csv?campaignId=c1&period={Month}"));

    private static string[] Row(List<string[]> rows, string code) => rows.Single(r => r[0] == code);
}
