using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sylvan.Data.Csv;

namespace Grassroots.Domain.Regions;

/// <summary>
/// At start: fills the regions table from the GB/T 2260 seed (shipped inside this assembly) when it is empty,
/// then loads the tree into <see cref="RegionDirectory"/>. Runs after migrations, before the grains.
/// </summary>
public sealed class ReferenceDataLoader(RegionStore store, RegionDirectory directory, ILogger<ReferenceDataLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await store.CountAsync(cancellationToken).ConfigureAwait(false) == 0) await SeedAsync(cancellationToken).ConfigureAwait(false);
        var regions = await store.ReadAllAsync(cancellationToken).ConfigureAwait(false);
        directory.Load(regions);
        logger.LogInformation("Loaded {Count} regions", regions.Count);
    }

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        var rows = ReadSeed().ToList();
        await store.SeedAsync(rows, cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Seeded {Count} regions from GB/T 2260 data", rows.Count);
    }

    /// <summary>The seed's rows (code, name, level, parentCode by their header), parents before their children.</summary>
    public static IEnumerable<Region> ReadSeed()
    {
        using var stream = typeof(ReferenceDataLoader).Assembly.GetManifestResourceStream("seeds/regions.csv")
            ?? throw new InvalidOperationException("The regions seed is missing from the assembly.");
        using var reader = new StreamReader(stream);
        using var csv = CsvDataReader.Create(reader);
        int code = csv.GetOrdinal("code"), name = csv.GetOrdinal("name"), level = csv.GetOrdinal("level"), parent = csv.GetOrdinal("parentCode");
        var regions = new List<Region>();
        while (csv.Read())
        {
            regions.Add(new Region(csv.GetString(code), csv.GetString(name), Enum.Parse<RegionLevel>(csv.GetString(level), ignoreCase: true),
                csv.GetString(parent) is { Length: > 0 } parentCode ? parentCode : null));
        }
        return regions;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
