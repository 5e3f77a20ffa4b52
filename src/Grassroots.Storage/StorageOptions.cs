namespace Grassroots.Storage;

public enum StorageProvider { Sqlite, Postgres }

public sealed class StorageOptions
{
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>PostgreSQL connection string, or a SQLite one; for SQLite the default is a file in <see cref="DataDirectory"/>.</summary>
    public string? ConnectionString { get; set; }

    public string DataDirectory { get; set; } = "data";

    /// <summary>This process's writer shard: a stable name per silo, so its rollup rows are its own.</summary>
    public string Shard { get; set; } = "silo-1";

    /// <summary>
    /// How many writer connections ("lanes") the silo commits through at once on PostgreSQL, each a shard of its own:
    /// the first is <see cref="Shard"/>, the others <c>{Shard}.2</c>, <c>{Shard}.3</c>…. While one lane waits for the
    /// database another is writing. SQLite takes one writer at a time, so it always has one lane.
    /// </summary>
    public int Writers { get; set; } = 2;

    /// <summary>The shards of this silo's lanes, first <see cref="Shard"/>.</summary>
    public IReadOnlyList<string> LaneShards() =>
        [.. Enumerable.Range(1, Provider == StorageProvider.Postgres ? Math.Max(1, Writers) : 1).Select(i => i == 1 ? Shard : $"{Shard}.{i}")];

    /// <summary>
    /// Fewest units a batch carries to be written beside another lane's; a smaller one waits for the small batch being
    /// written and goes with what queued meanwhile, so lanes add transactions only when there is enough to fill them.
    /// </summary>
    public int ConcurrentBatchMin { get; set; } = 32;

    /// <summary>Most units one transaction carries.</summary>
    public int MaxBatchSize { get; set; } = 512;

    /// <summary>How long the committer waits for more units when a batch is not full and writers are busy.</summary>
    public TimeSpan MaxBatchDelay { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Longest a PostgreSQL connection attempt waits when the connection string does not say (Npgsql's own is 15 s).</summary>
    public static readonly TimeSpan PostgresConnectTimeout = TimeSpan.FromSeconds(5);

    public string ResolveConnectionString() => Provider switch
    {
        StorageProvider.Postgres => WithConnectTimeout(ConnectionString ?? throw new InvalidOperationException(
            "Storage:ConnectionString is required when Storage:Provider is Postgres.")),
        _ => ConnectionString ?? $"Data Source={Path.Combine(DataDirectory, "grassroots.db")}",
    };

    /// <summary>
    /// While the database is away, a request should answer 503 soon rather than wait out a long connection attempt; every
    /// PostgreSQL connection (the service's, the shard lease's, Orleans' providers') is opened with this string.
    /// </summary>
    private static string WithConnectTimeout(string connectionString)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!builder.ContainsKey("Timeout")) builder.Timeout = (int)PostgresConnectTimeout.TotalSeconds;
        return builder.ConnectionString;
    }
}
