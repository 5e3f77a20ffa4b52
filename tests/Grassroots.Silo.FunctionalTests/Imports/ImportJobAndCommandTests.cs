using System.Net;
using Grassroots.Domain.Reconciliation;
using Grassroots.Silo.Commands;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Imports;
using Grassroots.Silo.Security;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Imports.ImportFiles;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests.Imports;

/// <summary>Imports as a job that outlives its silo, and the command that uploads a file to a running service.</summary>
public sealed class ImportJobAndCommandTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task AsyncJobIsAcceptedRunsAndItsStatusSurvivesARestart(StorageProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var lines = Enumerable.Range(0, 6_000).Select(i => SessionLine($"b{1 + i % 4}", $"s{i}", 10 + i % 50)).Append(SessionLine("b1", "bad", 5, day: "2019-01-01"));
        string importId;
        await using (var app = await GrassrootsApp.StartAsync(database))
        {
            await SeedAsync(app);
            var response = await app.CreateClient().PostCsvAsync(Csv([ChineseHeader, .. lines]), query: "&async=true");
            importId = (await response.ReadAsync<ImportAccepted>(HttpStatusCode.Accepted)).ImportId;
            Assert.Equal($"/api/imports/{importId}", response.Headers.Location?.OriginalString);
            // The silo stops while the job may still be running: it resumes from its last checkpoint on the next one.
        }

        await using (var app = await GrassrootsApp.StartAsync(database))
        {
            var client = app.CreateClient();
            var job = await WaitForAsync(client, importId, "done");
            Assert.Equal((6_001L, 6_001L, 1L), (job.RowsTotal, job.RowsRead, job.Rejected));
            Assert.Equal(6_000L, job.Imported + job.Unchanged); // rows committed after the last checkpoint come back unchanged
            Assert.Equal(6_002L, Assert.Single(job.Conflicts).Line); // after the header and 6,000 rows
            // The body is deleted once "done" is written: shortly after the job says so, never left behind.
            var cleanup = System.Diagnostics.Stopwatch.StartNew();
            while ((await app.Service<Database>().QueryAsync("SELECT count(*) FROM import_uploads", [], r => Convert.ToInt64(r.GetValue(0)))).Single() > 0)
            {
                Assert.True(cleanup.Elapsed < TimeSpan.FromSeconds(60), "the finished job's body was not deleted");
                await Task.Delay(50);
            }
            Assert.Empty(await app.Service<Reconciler>().CompareAsync());

            // Only hq, the importing key's scope and the admins above it may read a job.
            var otherBranch = await IssueAsync(client, "branch", "b2");
            Assert.Equal(HttpStatusCode.Forbidden, (await app.ClientWith(otherBranch).GetAsync($"/api/imports/{importId}")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/imports/0123456789abcdef")).StatusCode);
        }

        await using (var app = await GrassrootsApp.StartAsync(database))
            Assert.Equal("done", (await WaitForAsync(app.CreateClient(), importId, "done")).State); // and after another restart
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task ImportCommandUploadsInChunksReportsFileLinesAndExitsNonZeroOnRejectedRows(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartOnKestrelAsync(provider);
        await SeedAsync(app);
        var directory = Directory.CreateTempSubdirectory("grassroots-import-command");
        try
        {
            var good = Path.Combine(directory.FullName, "good.csv");
            await File.WriteAllTextAsync(good, Csv([ChineseHeader, .. Enumerable.Range(0, 7_000).Select(i => SessionLine($"b{1 + i % 3}", $"s{i}", 20))]),
                Grassroots.Silo.Imports.ImportFormat.Gb18030);
            var (code, output, progress) = await RunAsync(good, app, "--type", "study-sessions");
            Assert.Equal(0, code);
            Assert.Contains("7,000 rows read: 7,000 imported, 0 updated, 0 unchanged, 0 rejected.", output);
            // Standard error is no terminal here: a line at each tenth of the file, in order, each once.
            Assert.Equal([.. Enumerable.Range(1, 10).Select(t => $"{t * 10}%")],
                progress.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.RegularExpressions.Regex.Match(l, @"^good\.csv: (\d+%)").Groups[1].Value)
                    .Where(p => p.Length > 0));

            // Line 6,003 of the file sits in the second chunk of 5,000 rows; it is reported as the file's line.
            var bad = Path.Combine(directory.FullName, "bad.csv");
            var lines = Enumerable.Range(0, 7_000).Select(i => SessionLine($"b{1 + i % 3}", $"s{i}", 20)).ToArray();
            lines[6_001] = SessionLine("b1", "s6001", 20, day: "2019-01-01");
            await File.WriteAllTextAsync(bad, Csv([ChineseHeader, .. lines]));
            (code, output, _) = await RunAsync(bad, app, "--type", "study-sessions", "--dry-run");
            Assert.Equal(1, code);
            Assert.Contains("6,999 unchanged, 1 rejected", output);
            Assert.Contains("line 6003: heldOn:", output);

            var json = Path.Combine(directory.FullName, "talks.json");
            await File.WriteAllTextAsync(json, """{"honoreeTalks":[{"branchId":"b1","id":"t1","campaignId":"c1","honoreeIds":["h1"],"heldOn":"2020-12-04","venue":"school","format":"onsite","audience":50},{"branchId":"b1","id":"t2","campaignId":"c1","honoreeIds":["nobody"],"heldOn":"2020-12-04","venue":"school","format":"onsite","audience":50}]}""");
            (code, output, _) = await RunAsync(json, app);
            Assert.Equal(1, code);
            Assert.Contains("honoree-talks [1]: honoreeIds[0]:", output);

            Assert.Equal(2, (await RunAsync(good, app)).Code); // a CSV file must name its kind
            Assert.Equal(3, (await CommandLine.RunAsync(["import", good, "--url", app.Address.ToString(), "--key", "gr_wrong_key", "--type", "study-sessions"],
                TextWriter.Null, TextWriter.Null)));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string file, GrassrootsApp app, params string[] options)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var code = await CommandLine.RunAsync(["import", file, "--url", app.Address.ToString(), "--key", app.HqKey, .. options], output, error);
        return (code, output.ToString(), error.ToString());
    }

    internal static async Task<ImportJobResponse> WaitForAsync(HttpClient client, string importId, string state)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var job = await (await client.GetAsync($"/api/imports/{importId}")).ReadAsync<ImportJobResponse>(HttpStatusCode.OK);
            if (job.State == state) return job;
            Assert.True(job.State is "queued" or "running", $"The job is {job.State}: {job.Error}");
            Assert.True(clock.Elapsed < Patience, $"The job is still {job.State} after {Patience}: {job.RowsRead} rows read");
            await Task.Delay(200);
        }
    }

    internal static async Task<string> IssueAsync(HttpClient hq, string role, string scope) =>
        (await (await hq.PostAsync("/api/keys", System.Net.Http.Json.JsonContent.Create(new { role, scope, label = "import test" })))
            .ReadAsync<IssuedKeyDto>(HttpStatusCode.Created)).Key;
}
