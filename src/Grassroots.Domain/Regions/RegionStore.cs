using Grassroots.Storage;

namespace Grassroots.Domain.Regions;

/// <summary>The regions table: the GB/T 2260 tree as stored, and its seeding.</summary>
public sealed class RegionStore(Database database)
{
    public async Task<long> CountAsync(CancellationToken cancellationToken) =>
        (await database.QueryAsync("SELECT COUNT(*) FROM regions", [], r => r.Long(0), cancellationToken).ConfigureAwait(false))[0];

    public Task<List<Region>> ReadAllAsync(CancellationToken cancellationToken) =>
        database.QueryAsync("SELECT code, name, level, parent_code FROM regions", [],
            r => new Region(r.GetString(0), r.GetString(1), Enum.Parse<RegionLevel>(r.GetString(2), ignoreCase: true),
                r.IsDBNull(3) ? null : r.GetString(3)), cancellationToken);

    /// <summary>
    /// Inserts the regions in one transaction, parents before their children as given, so the foreign key holds row by
    /// row; a region there already is left as it is (a concurrent seeder loses on the primary key).
    /// </summary>
    public Task SeedAsync(IReadOnlyList<Region> rows, CancellationToken cancellationToken) =>
        database.InTransactionAsync(async (connection, tx) =>
        {
            foreach (var chunk in rows.Chunk(500))
            {
                var sql = new System.Text.StringBuilder("INSERT INTO regions (code, name, level, parent_code) VALUES ");
                var args = new List<object?>();
                for (var i = 0; i < chunk.Length; i++)
                {
                    sql.Append(i == 0 ? "" : ", ").Append($"(${args.Count + 1}, ${args.Count + 2}, ${args.Count + 3}, ${args.Count + 4})");
                    args.AddRange([chunk[i].Code, chunk[i].Name, chunk[i].Level.ToString().ToLowerInvariant(), chunk[i].ParentCode]);
                }
                await database.ExecuteAsync(connection, tx, sql.Append(" ON CONFLICT (code) DO NOTHING").ToString(), args, cancellationToken)
                    .ConfigureAwait(false);
            }
        }, cancellationToken);
}
