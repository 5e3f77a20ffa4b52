using System.Net;
using System.Text.Json;
using Grassroots.Domain.Reconciliation;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;
using Grassroots.TestSupport;
using Grassroots.Throughput.Federation;
using static Grassroots.Silo.FunctionalTests.Support.RecordScenario;

namespace Grassroots.Silo.FunctionalTests.Imports;

/// <summary>
/// The federation-scale generator (bench/Grassroots.Throughput) at a small size: its files go through the import path
/// as written — campaign and honorees by PUT, branches.csv, then each record file — every row is taken, and the
/// rollups equal both the generator's own tally and a recount of the facts.
/// </summary>
public sealed class FederationDataTests
{
    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [PostgresData]
    public async Task AGeneratedFederationImportsWholeAndItsRollupsEqualTheGeneratorsTally(StorageProvider provider)
    {
        var data = Directory.CreateTempSubdirectory("grassroots-federation-").FullName;
        try
        {
            var regions = Region.Read(Path.Combine(Repository.Root, "seeds", "regions.csv"));
            var manifest = new FederationGenerator(new FederationSpec(Branches: 400, Records: 1_500, Honorees: 62), regions).Write(data, _ => { });
            Assert.Equal(1_500, manifest.Records);
            Assert.True(manifest.ActiveBranches is > 200 and < 400, $"{manifest.ActiveBranches} active of 400");

            await using var app = await GrassrootsApp.StartAsync(provider);
            var client = app.CreateClient();
            using (var campaign = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(data, "campaign.json"))))
                Assert.Equal(HttpStatusCode.Created, (await client.PutAsync($"/api/campaigns/{FederationSpec.CampaignId}", (object)campaign.RootElement)).StatusCode);
            using (var honorees = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(data, "honorees.json"))))
                foreach (var honoree in honorees.RootElement.EnumerateArray())
                    Assert.Equal(HttpStatusCode.Created, (await client.PutAsync($"/api/honorees/{honoree.GetProperty("id").GetString()}", (object)honoree)).StatusCode);

            var expected = new Dictionary<string, long>
            {
                ["branches"] = manifest.Branches, ["study-sessions"] = manifest.StudySessions,
                ["honoree-talks"] = manifest.HonoreeTalks, ["publicity"] = manifest.PublicityItems,
            };
            foreach (var (type, rows) in expected)
            {
                var result = await client.ImportCsvAsync(await File.ReadAllTextAsync(Path.Combine(data, $"{type}.csv")), type);
                Assert.Equal((type, rows, rows, 0L), (type, result.RowsRead, result.Imported, result.Rejected));
            }

            var national = await client.RollupAsync("CN", $"campaignId={FederationSpec.CampaignId}");
            var totals = JsonSerializer.SerializeToElement(national.Totals, Json);
            foreach (var (figure, value) in manifest.NationalTotals) Assert.Equal((figure, value), (figure, totals.GetProperty(figure).GetInt64()));
            foreach (var province in national.Children)
                Assert.Equal(manifest.BranchesByProvince[province.Code], province.Totals.RegisteredBranches);
            Assert.Empty(await app.Service<Reconciler>().CompareAsync());
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}
