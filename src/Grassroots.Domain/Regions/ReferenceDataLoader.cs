using Grassroots.Domain.Model;
using Grassroots.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sylvan.Data.Csv;

namespace Grassroots.Domain.Regions;

/// <summary>
/// At start: fills the regions table from the GB/T 2260 seed (shipped inside this assembly) when it is empty,
/// then loads the tree into <see cref="RegionDirectory"/>. Runs after migrations, before the grains.
/// </summary>
public sealed class ReferenceDataLoader(Database database, RegionDirectory directory, ILogger<ReferenceDataLoader> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var count = (await database.QueryAsync("SELECT COUNT(*) FROM regions", [], r => Convert.ToInt64(r.GetValue(0)), cancellationToken)
            .ConfigureAwait(false))[0];
        if (count == 0) await SeedAsync(cancellationToken).ConfigureAwait(false);
        var regions = await database.QueryAsync("SELECT code, name, level, parent_code FROM regions", [],
            r => new Region(r.GetString(0), r.GetString(1), Enum.Parse<RegionLevel>(r.GetString(2), ignoreCase: true),
                r.IsDBNull(3) ? null : r.GetString(3)), cancellationToken).ConfigureAwait(false);
        directory.Load(regions);
        logger.LogInformation("Loaded {Count} regions", regions.Count);
    }

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        var rows = ReadSeed().ToList();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var tx = await database.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        // Parents come first in the file, so the foreign key holds row by row; a concurrent seeder loses on the primary key.
        foreach (var chunk in rows.Chunk(500))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = tx;
            var sql = new System.Text.StringBuilder("INSERT INTO regions (code, name, level, parent_code) VALUES ");
            var args = new List<object?>();
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? "" : ", ").Append($"(${args.Count + 1}, ${args.Count + 2}, ${args.Count + 3}, ${args.Count + 4})");
                args.AddRange([chunk[i].Code, chunk[i].Name, chunk[i].Level.ToString().ToLowerInvariant(), chunk[i].ParentCode]);
            }
            Database.Bind(command, sql.Append(" ON CONFLICT (code) DO NOTHING").ToString(), args);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
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
