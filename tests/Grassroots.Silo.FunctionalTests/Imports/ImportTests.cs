using System.Net;
using Grassroots.Domain.Rollups;
using Grassroots.Silo.Apis;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Grassroots.TestSupport;
using static Grassroots.Silo.FunctionalTests.Imports.ImportFiles;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests.Imports;

/// <summary>POST /api/imports: good rows stored as single PUTs would store them, bad rows reported by line and field.</summary>
public sealed class ImportTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task MixedCsvStoresTheGoodRowsAndNamesTheLineAndFieldOfEachBadOne(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();

        var result = await client.ImportCsvAsync(Csv(ChineseHeader,
            SessionLine("b1", "s1", 40),
            SessionLine("b1", "s2", 50, day: "2020-13-01"),        // line 3: not a date
            SessionLine("no-such-branch", "s3", 10),               // line 4: unknown branch
            SessionLine("b2", "s4", 60),
            "b2,s5,c1,学习,2020-12-04,offline,group-study,10,11,0,0,,",  // line 6: frontline over total
            SessionLine("b3", "s6", 70, day: "2019-01-01")));     // line 7: before the campaign

        Assert.Equal((6L, 2L, 0L, 0L, 4L), (result.RowsRead, result.Imported, result.Updated, result.Unchanged, result.Rejected));
        Assert.Equal([(3L, "heldOn"), (4L, "branchId"), (6L, "attendees.frontline"), (7L, "heldOn")],
            result.Conflicts.Select(c => (c.Line!.Value, c.Field)).ToArray());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/branches/b1/study-sessions/s1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/branches/b1/study-sessions/s2")).StatusCode);
        Assert.Equal(100, (await client.RollupAsync("CN")).Totals.Attendance);
        Assert.Empty(await app.Service<Reconciler>().CompareAsync());
    }
}
