using System.Net;
using System.Text;
using CsvHelper;
using Grassroots.Silo.Apis;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Imports;
using Grassroots.Silo.Reports;
using Grassroots.Silo.Rollups;
using Grassroots.Silo.Security;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Imports.ImportFiles;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests.Imports;

/// <summary>The reports headquarters forwards, checked against the rollup API they must agree with.</summary>
public sealed class ReportsTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task ProvincesCsvOpensInExcelAndParsesBackToTheRollupFigures(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        await ImportSampleAsync(client);

        foreach (var query in new[] { "campaignId=c1", "campaignId=c1&from=2020-12-01&to=2020-12-10" })
        {
            var response = await client.GetAsync($"/api/reports/provinces.csv?{query}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]); // UTF-8 with BOM: Excel reads the Chinese as Chinese
            var rows = Parse(bytes);
            Assert.Equal(["省份代码", "省份", .. ReportsApi.FigureHeaders], rows[0]);

            var rollup = await client.RollupAsync("CN", query);
            Assert.Equal(rollup.Children.Count + 1, rows.Count - 1);
            foreach (var child in rollup.Children)
                Assert.Equal(Row(child.Code, child.Name, child.Totals), rows.Single(r => r[0] == child.Code));
            Assert.Equal(Row("CN", "全国合计", rollup.Totals), rows[^1]);
        }
        Assert.True((await client.RollupAsync("CN")).Totals.Attendance > 0);

        var admin = app.ClientWith(await IssueAsync(client, "region-admin", "630000"));
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync("/api/reports/provinces.csv?campaignId=c1")).StatusCode);
        await (await client.GetAsync("/api/reports/provinces.csv?campaignId=none")).AssertProblemAsync(HttpStatusCode.BadRequest, "campaignId");
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task ChildRegionsCsvIsTheDashboardsTableOfAnyRegionTheKeyMayRead(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        await ImportSampleAsync(client);
        var admin = app.ClientWith(await IssueAsync(client, "region-admin", "630000"));

        // The province's admin reads its cities; records dated from..to count as in the rollup.
        foreach (var query in new[] { "campaignId=c1", "campaignId=c1&from=2020-12-01&to=2020-12-10" })
        {
            var rows = Parse(await admin.GetByteArrayAsync($"/api/reports/children.csv?regionCode=630000&{query}"));
            Assert.Equal(["地区代码", "地区", .. ReportsApi.FigureHeaders], rows[0]);
            var rollup = await client.RollupAsync("630000", query);
            Assert.Equal([.. rollup.Children.Select(c => Row(c.Code, c.Name, c.Totals)), Row("630000", "青海省合计", rollup.Totals)], rows.Skip(1));
        }
        // With no region: the nation's provinces, as provinces.csv has them, under the same headers as any region's.
        var national = Parse(await client.GetByteArrayAsync("/api/reports/children.csv?campaignId=c1"));
        Assert.Equal(Parse(await client.GetByteArrayAsync("/api/reports/provinces.csv?campaignId=c1")).Skip(1), national.Skip(1));

        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync("/api/reports/children.csv?regionCode=440000&campaignId=c1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/reports/children.csv?regionCode=990000&campaignId=c1")).StatusCode);
        await (await client.GetAsync("/api/reports/children.csv?regionCode=630000&campaignId=none")).AssertProblemAsync(HttpStatusCode.BadRequest, "campaignId");
        await (await client.GetAsync("/api/reports/children.csv?regionCode=630000&campaignId=c1&from=2020-12-10&to=2020-12-01"))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "to");
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task InactiveBranchesListsExactlyTheRegisteredBranchesWithoutRecords(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        for (var i = 0; i < 7; i++) await AddBranchAsync(app, $"q{i}", i % 2 == 0 ? "630102" : "630103");
        var client = app.CreateClient();
        // b1, q0 and q3 report; q5's only record is voided, so it has not reported.
        await client.ImportCsvAsync(Csv(ChineseHeader, SessionLine("b1", "s1", 10), SessionLine("q0", "s2", 10), SessionLine("q3", "s3", 10),
            SessionLine("q5", "s4", 10)));
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync("/api/branches/q5/study-sessions/s4?reason=重复")).StatusCode);

        var qinghai = await (await client.GetAsync("/api/reports/inactive-branches?regionCode=630000&campaignId=c1&pageSize=3"))
            .ReadAsync<InactiveBranchesReport>(HttpStatusCode.OK);
        string[] expected = ["b2", "q1", "q2", "q4", "q5", "q6"];
        Assert.Equal(expected.Length, qinghai.Total);
        Assert.Equal(expected[..3], qinghai.Items.Select(b => b.Id));
        Assert.Equal(("630103", "城中区", "西宁市", "青海省"), (qinghai.Items[0].RegionCode, qinghai.Items[0].CountyName, qinghai.Items[0].CityName, qinghai.Items[0].ProvinceName));
        var page2 = await (await client.GetAsync("/api/reports/inactive-branches?regionCode=630000&campaignId=c1&pageSize=3&page=2"))
            .ReadAsync<InactiveBranchesReport>(HttpStatusCode.OK);
        Assert.Equal(expected[3..], page2.Items.Select(b => b.Id));

        var csv = Parse(await client.GetByteArrayAsync("/api/reports/inactive-branches.csv?regionCode=630000&campaignId=c1&pageSize=2"));
        Assert.Equal("基层工会编号", csv[0][0]);
        Assert.Equal(expected, csv.Skip(1).Select(r => r[0])); // every page, in pages of two
        var national = await (await client.GetAsync("/api/reports/inactive-branches?campaignId=c1&pageSize=100")).ReadAsync<InactiveBranchesReport>(HttpStatusCode.OK);
        Assert.Equal(["b2", "b3", "b4", "q1", "q2", "q4", "q5", "q6"], national.Items.Select(b => b.Id));

        var countyAdmin = app.ClientWith(await IssueAsync(client, "region-admin", "630102"));
        Assert.Equal(HttpStatusCode.Forbidden, (await countyAdmin.GetAsync("/api/reports/inactive-branches?regionCode=630000&campaignId=c1")).StatusCode);
        Assert.Equal(["q2", "q4", "q6"], (await (await countyAdmin.GetAsync("/api/reports/inactive-branches?regionCode=630102&campaignId=c1"))
            .ReadAsync<InactiveBranchesReport>(HttpStatusCode.OK)).Items.Select(b => b.Id));
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task SeriesPointsByDayWeekAndMonthAddUpToTheRollupTotals(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        await ImportSampleAsync(client);

        foreach (var code in new[] { "CN", "630000", "630102" })
        foreach (var interval in new[] { "day", "week", "month" })
        {
            const string range = "from=2020-11-24&to=2021-03-31";
            var series = await (await client.GetAsync($"/api/rollups/{code}/series?campaignId=c1&interval={interval}&{range}"))
                .ReadAsync<SeriesResponse>(HttpStatusCode.OK);
            var totals = (await client.RollupAsync(code, $"campaignId=c1&{range}")).Totals;
            long Sum(Func<TotalsDto, long> figure) => series.Points.Sum(p => figure(p.Totals));
            Assert.Equal((totals.StudySessions, totals.Attendance, totals.Frontline, totals.HonoreeTalks, totals.TalkAudience, totals.OnlineViews,
                    totals.PublicityItems, totals.PublicityReach),
                (Sum(t => t.StudySessions), Sum(t => t.Attendance), Sum(t => t.Frontline), Sum(t => t.HonoreeTalks), Sum(t => t.TalkAudience),
                    Sum(t => t.OnlineViews), Sum(t => t.PublicityItems), Sum(t => t.PublicityReach)));
            Assert.True(totals.Attendance > 0 || code == "630102" && totals.StudySessions > 0);
        }
    }

    /// <summary>Records of every kind in three provinces over four months.</summary>
    private static async Task ImportSampleAsync(HttpClient client)
    {
        var sessions = Enumerable.Range(0, 60).Select(i => SessionLine($"b{1 + i % 4}", $"s{i}", 10 + i, day: Starts.AddDays(i * 2).ToString("yyyy-MM-dd")));
        Assert.Equal(0, (await client.ImportCsvAsync(Csv([ChineseHeader, .. sessions]))).Rejected);
        var talks = string.Join(",", Enumerable.Range(0, 20).Select(i =>
            $$"""{"branchId":"b{{1 + i % 4}}","id":"t{{i}}","campaignId":"c1","honoreeIds":["h{{1 + i % 2}}"],"heldOn":"{{Starts.AddDays(i * 5):yyyy-MM-dd}}","venue":"school","format":"onsite","audience":{{100 + i}},"onlineViews":{{i}}}"""));
        var items = string.Join(",", Enumerable.Range(0, 20).Select(i =>
            $$"""{"branchId":"b{{1 + i % 4}}","id":"p{{i}}","campaignId":"c1","channel":"wechat","outlet":"工会号","title":"报道","publishedOn":"{{Starts.AddDays(i * 6):yyyy-MM-dd}}","reach":{{1000 + i}}}"""));
        var result = await (await client.PostJsonAsync($$"""{"honoreeTalks":[{{talks}}],"publicity":[{{items}}]}""")).ReadAsync<ImportResult>(HttpStatusCode.OK);
        Assert.Equal((40L, 0L), (result.Imported, result.Rejected));
    }

    private static string[] Row(string code, string name, TotalsDto t) =>
    [
        code, name, .. new[] { t.StudySessions, t.Attendance, t.Frontline, t.Youth, t.Women, t.HonoreeTalks, t.TalkAudience, t.OnlineViews,
            t.PublicityItems, t.PublicityReach, t.Competitions, t.CompetitionParticipants, t.Awardees, t.ActiveBranches,
            t.RegisteredBranches }.Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        t.Coverage.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture),
    ];

    internal static List<string[]> Parse(byte[] csv)
    {
        using var reader = CsvReader.Create(csv, new CsvReaderOptions { HasHeader = false });
        var rows = new List<string[]>();
        while (reader.Read()) rows.Add([.. Enumerable.Range(0, reader.FieldCount).Select(reader.GetString)]);
        return rows;
    }

    private static async Task<string> IssueAsync(HttpClient hq, string role, string scope) =>
        (await (await hq.PostAsync("/api/keys", System.Net.Http.Json.JsonContent.Create(new { role, scope, label = "reports test" })))
            .ReadAsync<IssuedKeyDto>(HttpStatusCode.Created)).Key;
}
