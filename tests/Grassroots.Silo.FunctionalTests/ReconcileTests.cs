using Grassroots.Domain.Model;
using System.Net;
using Grassroots.Domain.Reconciliation;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Grassroots.TestSupport;

using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests;

/// <summary>
/// The recount compares every kind of rollup row on its own, so a figure counted twice, or once where it belongs, is
/// reported as the row it is in. Before, a session dated 0001-01-01 (accepted then) shared the key of its region's
/// campaign-total row and was counted twice nationally, while the recount, which summed both kinds of row together,
/// found nothing; such dates are refused now (EarlyDatesTests), and each fault below is planted in the database itself.
/// </summary>
public sealed class ReconcileTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task EachKindOfRollupRowIsRecountedOnItsOwnAndAFaultIsNamedByItsTable(StorageProvider provider)
    {
        await using var app = await GrassrootsApp.StartAsync(provider);
        await SeedAsync(app);
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync("/api/branches/b1/study-sessions/s1", Session(45))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.PutAsync("/api/branches/b1/honoree-talks/t1", Talk(200, "h1"))).StatusCode);
        var reconciler = app.Service<Reconciler>();
        var database = app.Service<Database>();
        Assert.Empty(await reconciler.CompareAsync());

        (string Plant, string Undo, string Table)[] faults =
        [
            // Every figure counted twice: the county's rows again under a shard of their own.
            ($"INSERT INTO county_days (shard, county_code, campaign_id, day, {string.Join(", ", Figures.Columns)}) " +
             $"SELECT 'planted', county_code, campaign_id, day, {string.Join(", ", Figures.Columns.Select(c => $"SUM({c})"))} " +
             "FROM county_days GROUP BY county_code, campaign_id, day",
             "DELETE FROM county_days WHERE shard = 'planted'", "county_days"),
            ("INSERT INTO county_branches SELECT DISTINCT 'planted', county_code, 1 FROM county_branches",
             "DELETE FROM county_branches WHERE shard = 'planted'", "county_branches"),
            ("UPDATE honoree_rollups SET audience = audience + 1", "UPDATE honoree_rollups SET audience = audience - 1", "honoree_rollups"),
            ("UPDATE branch_activity SET first_on = '2020-12-05' WHERE branch_id = 'b1'",
             "UPDATE branch_activity SET first_on = '2020-12-04' WHERE branch_id = 'b1'", "branch_activity"),
        ];
        foreach (var (plant, undo, table) in faults)
        {
            await database.ExecuteAsync(plant, []);
            var found = await reconciler.CompareAsync();
            Assert.NotEmpty(found);
            Assert.All(found, d => Assert.Equal(table, d.Table));
            await database.ExecuteAsync(undo, []);
            Assert.Empty(await reconciler.CompareAsync());
        }
    }
}
