using System.Net;
using Grassroots.Domain.Reconciliation;
using Grassroots.Silo.Branches;
using Grassroots.Silo.Commands;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Imports;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Imports.ImportFiles;
using static Grassroots.Silo.FunctionalTests.Imports.ImportJobAndCommandTests;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests.Imports;

/// <summary>
/// POST /api/imports?type=branches and the JSON body's branches list: branches registered and corrected as
/// PUT /api/branches/{branchId} would, with its rules and its access rule, counted in the same summary.
/// </summary>
public sealed class BranchImportTests
{
    private const string ApiHeader = "id,name,regionCode,sector,memberCount,kind";
    private const string ChineseBranchHeader = "基层工会编号,工会名称,县级行政区划代码,行业,会员人数,类型";

    private static string BranchLine(string id, string county, int members = 120, string name = "", string kind = "enterprise") =>
        $"{id},{(name.Length > 0 ? name : $"工会 {id}")},{county},制造业,{members},{kind}";

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task CsvWithApiOrChineseHeadersRegistersBranchesCountedInTheRollups(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app); // b1..b4 registered
        var client = app.CreateClient();

        var api = await client.ImportCsvAsync(Csv(ApiHeader, BranchLine("n1", "630102", name: "城东区某厂工会"), BranchLine("n2", "440112")), "branches");
        var chinese = await client.ImportCsvAsync(Csv(ChineseBranchHeader, "n3,西宁某校工会,630103,教育,45,institution"), "branches");

        Assert.Equal((2L, 2L, 0L), (api.RowsRead, api.Imported, api.Rejected));
        Assert.Equal((1L, 1L, 0L), (chinese.RowsRead, chinese.Imported, chinese.Rejected));
        var n1 = await (await client.GetAsync("/api/branches/n1")).ReadAsync<BranchDto>(HttpStatusCode.OK);
        Assert.Equal(("城东区某厂工会", "630102", "制造业", 120, "enterprise"), (n1.Name, n1.RegionCode, n1.Sector, n1.MemberCount, n1.Kind));
        var n3 = await (await client.GetAsync("/api/branches/n3")).ReadAsync<BranchDto>(HttpStatusCode.OK);
        Assert.Equal(("西宁某校工会", "630103", "教育", 45, "institution"), (n3.Name, n3.RegionCode, n3.Sector, n3.MemberCount, n3.Kind));
        Assert.Equal([7L, 4L, 2L], (await client.TotalsAsync("CN", "630000", "440000")).Select(t => t.RegisteredBranches));
        Assert.Empty(await app.Service<Reconciler>().CompareAsync());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task BadRowsAreRejectedNamingTheirFieldAndStoreNothing(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        var changes = await CountAsync(app, "SELECT count(*) FROM change_log");

        var result = await client.ImportCsvAsync(Csv(ApiHeader,
            BranchLine("x1", "630100"),                    // line 2: a city, not a county
            "x2,,630102,,10,enterprise",                   // line 3: no name
            BranchLine("x3", "630102", members: -1),       // line 4: negative
            "x4,工会,630102,,many,enterprise",              // line 5: not a number
            BranchLine("x5", "630102", kind: "factory"),   // line 6: not a kind
            BranchLine("x6", "999999"),                    // line 7: no such region
            BranchLine("ok", "630102")), "branches");

        Assert.Equal((7L, 1L, 6L), (result.RowsRead, result.Imported, result.Rejected));
        Assert.Equal([(2L, "regionCode"), (3L, "name"), (4L, "memberCount"), (5L, "memberCount"), (6L, "kind"), (7L, "regionCode")],
            result.Conflicts.Select(c => (c.Line!.Value, c.Field)).ToArray());
        Assert.All(result.Conflicts, c => Assert.Equal(("branches", c.Id), (c.Type, c.BranchId)));
        foreach (var id in new[] { "x1", "x2", "x3", "x4", "x5", "x6" })
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/branches/{id}")).StatusCode);
        Assert.Equal(changes, await CountAsync(app, "SELECT count(*) FROM change_log")); // a registration is its own row
        Assert.Equal(5, (await client.RollupAsync("CN")).Totals.RegisteredBranches);

        // JSON rows: by index, and a value of the wrong type is a problem of its row only.
        var json = await (await client.PostJsonAsync("""
            {"branches": [
               {"id":"y1","name":"工会","regionCode":"630100","memberCount":5},
               {"id":"y2","name":"工会","regionCode":"630102","memberCount":"5"},
               {"id":"y3","name":"工会","regionCode":"630102","memberCount":5,"kind":"agency"}]}
            """)).ReadAsync<ImportResult>(HttpStatusCode.OK);
        Assert.Equal((1L, 2L), (json.Imported, json.Rejected));
        Assert.Equal([(0L, "regionCode"), (1L, "memberCount")], json.Conflicts.Select(c => (c.Index!.Value, c.Field)).ToArray());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task KeysMayOnlyRegisterBranchesWhereThePutWouldLetThem(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var hq = app.CreateClient();
        var qinghai = app.ClientWith(await IssueAsync(hq, "region-admin", "630000"));
        var branchKey = app.ClientWith(await IssueAsync(hq, "branch", "b1"));

        var byAdmin = await qinghai.ImportCsvAsync(Csv(ApiHeader,
            BranchLine("q1", "630102"),      // in its subtree
            BranchLine("q2", "440112"),      // line 3: a county of another province
            BranchLine("b3", "630102"),      // line 4: taking over a branch registered in 广东
            BranchLine("b1", "630103")), "branches"); // moving one of its own within its subtree
        Assert.Equal((1L, 1L, 2L), (byAdmin.Imported, byAdmin.Updated, byAdmin.Rejected));
        Assert.Equal([(3L, "regionCode"), (4L, "id")], byAdmin.Conflicts.Select(c => (c.Line!.Value, c.Field)).ToArray());
        Assert.All(byAdmin.Conflicts, c => Assert.Equal("This is outside the scope of the API key.", c.Message));
        Assert.Equal(HttpStatusCode.NotFound, (await hq.GetAsync("/api/branches/q2")).StatusCode);
        Assert.Equal("440112", (await (await hq.GetAsync("/api/branches/b3")).ReadAsync<BranchDto>(HttpStatusCode.OK)).RegionCode);

        // A branch key registers nothing, not even its own branch again.
        var byBranch = await branchKey.ImportCsvAsync(Csv(ApiHeader, BranchLine("b1", "630103"), BranchLine("z1", "630102")), "branches");
        Assert.Equal((0L, 2L), (byBranch.Imported + byBranch.Updated + byBranch.Unchanged, byBranch.Rejected));
        Assert.All(byBranch.Conflicts, c => Assert.Equal("id", c.Field));
        Assert.Equal(HttpStatusCode.NotFound, (await hq.GetAsync("/api/branches/z1")).StatusCode);
        Assert.Empty(await app.Service<Reconciler>().CompareAsync());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task DryRunSaysWhatWouldHappenAndStoresNothing(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        await client.ImportCsvAsync(Csv(ApiHeader, BranchLine("d1", "630102"), BranchLine("d2", "630102")), "branches");
        var changes = await CountAsync(app, "SELECT count(*) FROM change_log");
        var before = await client.TotalsAsync("CN", "630000", "440000");

        var dry = await client.ImportCsvAsync(Csv(ApiHeader,
            BranchLine("d1", "630102"),              // unchanged
            BranchLine("d2", "440112"),              // moved
            BranchLine("d3", "630103"),              // new
            BranchLine("d4", "630100")), "branches", "&dryRun=true");

        Assert.True(dry.DryRun);
        Assert.Equal((4L, 1L, 1L, 1L, 1L), (dry.RowsRead, dry.Imported, dry.Updated, dry.Unchanged, dry.Rejected));
        Assert.Equal(changes, await CountAsync(app, "SELECT count(*) FROM change_log"));
        Assert.Equal(before, await client.TotalsAsync("CN", "630000", "440000"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/branches/d3")).StatusCode);
        Assert.Equal("630102", (await (await client.GetAsync("/api/branches/d2")).ReadAsync<BranchDto>(HttpStatusCode.OK)).RegionCode);
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task TheSameImportTwiceIsAllUnchangedAndAChangedRowIsAnUpdateThatMovesTheRegisteredCount(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        // More rows than branch grain calls in flight.
        var lines = Enumerable.Range(0, 200).Select(i => BranchLine($"r{i:000}", i % 2 == 0 ? "630102" : "440112", 10 + i)).ToArray();

        var first = await client.ImportCsvAsync(Csv([ApiHeader, .. lines]), "branches");
        var again = await client.ImportCsvAsync(Csv([ApiHeader, .. lines]), "branches");

        Assert.Equal((200L, 200L, 0L, 0L, 0L), (first.RowsRead, first.Imported, first.Updated, first.Unchanged, first.Rejected));
        Assert.Equal((0L, 0L, 200L, 0L), (again.Imported, again.Updated, again.Unchanged, again.Rejected));
        Assert.Equal([204L, 102L, 101L], (await client.TotalsAsync("CN", "630000", "440000")).Select(t => t.RegisteredBranches));

        lines[0] = BranchLine("r000", "440112", 10);    // moved to 广东
        lines[1] = BranchLine("r001", "440112", 500);   // more members
        // One branch twice: rows of a branch are stored in order, so the last one is what stays.
        var changed = await client.ImportCsvAsync(Csv([ApiHeader, .. lines, BranchLine("r002", "630102", 999)]), "branches");

        Assert.Equal((0L, 3L, 198L, 0L), (changed.Imported, changed.Updated, changed.Unchanged, changed.Rejected));
        Assert.Equal([204L, 101L, 102L], (await client.TotalsAsync("CN", "630000", "440000")).Select(t => t.RegisteredBranches));
        Assert.Equal(500, (await (await client.GetAsync("/api/branches/r001")).ReadAsync<BranchDto>(HttpStatusCode.OK)).MemberCount);
        Assert.Equal(999, (await (await client.GetAsync("/api/branches/r002")).ReadAsync<BranchDto>(HttpStatusCode.OK)).MemberCount);
        Assert.Empty(await app.Service<Reconciler>().CompareAsync());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task BranchesAndTheirRecordsInOneBodyAreStoredBranchesFirstWhateverTheOrderOfTheLists(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        var qinghai = app.ClientWith(await IssueAsync(client, "region-admin", "630000"));

        // The records' list comes first, the branches they belong to after it; a region-admin may log records of the
        // branches it has just registered.
        var result = await (await qinghai.PostJsonAsync("""
            {"studySessions": [
               {"branchId":"j1","id":"s1","campaignId":"c1","title":"学习","heldOn":"2020-12-04","format":"offline","attendees":{"total":40}},
               {"branchId":"j2","id":"s1","campaignId":"c1","title":"学习","heldOn":"2020-12-05","format":"offline","attendees":{"total":25}},
               {"branchId":"j3","id":"s1","campaignId":"c1","title":"学习","heldOn":"2020-12-05","format":"offline","attendees":{"total":25}}],
             "branches": [
               {"id":"j1","name":"工会一","regionCode":"630102","memberCount":50},
               {"id":"j2","name":"工会二","regionCode":"630103","memberCount":60,"kind":"community"},
               {"id":"j3","name":"工会三","regionCode":"440112","memberCount":60}]}
            """)).ReadAsync<ImportResult>(HttpStatusCode.OK);

        Assert.Equal((6L, 4L, 2L), (result.RowsRead, result.Imported, result.Rejected));
        Assert.Equal([("branches", 2L, "regionCode"), ("study-sessions", 2L, "branchId")],
            result.Conflicts.Select(c => (c.Type, c.Index!.Value, c.Field)).ToArray());
        var qinghaiTotals = (await client.RollupAsync("630000")).Totals;
        Assert.Equal((4L, 2L, 65L), (qinghaiTotals.RegisteredBranches, qinghaiTotals.StudySessions, qinghaiTotals.Attendance));

        // Branches in one CSV file, then their records in another: the rule for CSV, one kind per file.
        await client.ImportCsvAsync(Csv(ChineseBranchHeader, BranchLine("k1", "440112")), "branches");
        var records = await client.ImportCsvAsync(Csv(ChineseHeader, SessionLine("k1", "s1", 30)));
        Assert.Equal((1L, 0L), (records.Imported, records.Rejected));
        var (guangdong, cn) = ((await client.RollupAsync("440000")).Totals, (await client.RollupAsync("CN")).Totals);
        Assert.Equal((2L, 3L, 95L), (guangdong.RegisteredBranches, cn.StudySessions, cn.Attendance));
        Assert.Empty(await app.Service<Reconciler>().CompareAsync());
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task AnAsyncJobAndTheImportCommandCarryBranches(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartOnKestrelAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();

        var accepted = await (await client.PostCsvAsync(Csv([ApiHeader, .. Enumerable.Range(0, 50).Select(i => BranchLine($"a{i}", "630102"))]),
            "branches", query: "&async=true")).ReadAsync<ImportAccepted>(HttpStatusCode.Accepted);
        var job = await WaitForAsync(client, accepted.ImportId, "done");
        Assert.Equal((50L, 50L, 0L), (job.RowsRead, job.Imported, job.Rejected));

        // A JSON body whose records come before its branches, as a job too.
        accepted = await (await client.PostJsonAsync("""
            {"publicity":[{"branchId":"a50","id":"p1","campaignId":"c1","channel":"wechat","outlet":"工会号","title":"报道","publishedOn":"2020-12-04","reach":70}],
             "branches":[{"id":"a50","name":"工会","regionCode":"630102","memberCount":8}]}
            """, "async=true")).ReadAsync<ImportAccepted>(HttpStatusCode.Accepted);
        job = await WaitForAsync(client, accepted.ImportId, "done");
        Assert.Equal((2L, 2L, 0L), (job.RowsRead, job.Imported, job.Rejected));

        var directory = Directory.CreateTempSubdirectory("grassroots-branch-import");
        try
        {
            // 7,000 branches: two chunks of the command.
            var csv = Path.Combine(directory.FullName, "branches.csv");
            await File.WriteAllTextAsync(csv, Csv([ChineseBranchHeader, .. Enumerable.Range(0, 7_000).Select(i => BranchLine($"c{i}", i % 2 == 0 ? "630103" : "440112"))]));
            var (code, output) = await RunCommandAsync(app, csv, "--type", "branches");
            Assert.Equal(0, code);
            Assert.Contains("7,000 rows read: 7,000 imported, 0 updated, 0 unchanged, 0 rejected.", output);

            // JSON with the records first: the command sends the branches before them.
            var json = Path.Combine(directory.FullName, "both.json");
            await File.WriteAllTextAsync(json, """
                {"studySessions":[{"branchId":"c7000","id":"s1","campaignId":"c1","title":"学习","heldOn":"2020-12-04","format":"offline","attendees":{"total":12}}],
                 "branches":[{"id":"c7000","name":"工会","regionCode":"630102","memberCount":8},{"id":"c7001","name":"工会","regionCode":"630100","memberCount":8}]}
                """);
            (code, output) = await RunCommandAsync(app, json);
            Assert.Equal(1, code);
            Assert.Contains("3 rows read: 2 imported, 0 updated, 0 unchanged, 1 rejected.", output);
            Assert.Contains("branches [1]: regionCode:", output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
        Assert.Equal(4 + 50 + 1 + 7_001, (await client.RollupAsync("CN")).Totals.RegisteredBranches);
        Assert.Empty(await app.Service<Reconciler>().CompareAsync());
    }

    private static async Task<(int Code, string Output)> RunCommandAsync(GrassrootsApp app, string file, params string[] options)
    {
        var output = new StringWriter();
        var code = await CommandLine.RunAsync(["import", file, "--url", app.Address.ToString(), "--key", app.HqKey, .. options], output, TextWriter.Null);
        return (code, output.ToString());
    }

    private static async Task<long> CountAsync(GrassrootsApp app, string sql) =>
        (await app.Service<Database>().QueryAsync(sql, [], r => System.Convert.ToInt64(r.GetValue(0)))).Single();
}
