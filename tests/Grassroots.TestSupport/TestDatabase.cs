using Grassroots.Storage;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Grassroots.TestSupport;

/// <summary>
/// A fresh, empty database for one test: a uniquely named PostgreSQL database created on the server named by
/// GRASSROOTS_TEST_POSTGRES, or a SQLite file in its own temporary folder. Dropped or deleted on dispose.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    /// <summary>The environment variable holding an admin connection string (one allowed to CREATE DATABASE).</summary>
    public const string PostgresVariable = "GRASSROOTS_TEST_POSTGRES";

    private readonly string? _directory;

    private TestDatabase(StorageOptions options, string? name, string? directory)
    {
        Options = options;
        Name = name;
        _directory = directory;
    }

    /// <summary>Ready for <see cref="Database.Create"/>: provider, connection string and a shard name.</summary>
    public StorageOptions Options { get; }

    public StorageProvider Provider => Options.Provider;

    /// <summary>The PostgreSQL database name (null for SQLite).</summary>
    public string? Name { get; }

    public static string? PostgresAdminConnectionString =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value ? value : null;

    private static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why PostgreSQL tests are skipped here, or null when they run (configured, or in CI where they must).</summary>
    public static string? PostgresSkipReason => PostgresAdminConnectionString is null && !InCi
        ? $"PostgreSQL tests need {PostgresVariable} (run deploy/postgres-throwaway.sh)"
        : null;

    public static Task<TestDatabase> CreateAsync(StorageProvider provider, string shard = "test-silo") =>
        provider == StorageProvider.Postgres ? CreatePostgresAsync(shard) : Task.FromResult(CreateSqlite(shard));

    /// <summary>Options for another silo on the same database: same connection, a different shard.</summary>
    public StorageOptions OptionsFor(string shard) => new()
    {
        Provider = Options.Provider,
        ConnectionString = Options.ConnectionString,
        Shard = shard,
        MaxBatchSize = Options.MaxBatchSize,
        MaxBatchDelay = Options.MaxBatchDelay,
    };

    private static TestDatabase CreateSqlite(string shard)
    {
        var directory = Path.Combine(Path.GetTempPath(), "grassroots-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var connection = new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "grassroots.db") };
        var options = new StorageOptions { Provider = StorageProvider.Sqlite, ConnectionString = connection.ToString(), Shard = shard };
        return new TestDatabase(options, null, directory);
    }

    private static async Task<TestDatabase> CreatePostgresAsync(string shard)
    {
        var admin = PostgresAdminConnectionString ?? throw new InvalidOperationException(
            $"PostgreSQL is required in CI: set {PostgresVariable} to an admin connection string (deploy/postgres-throwaway.sh prints one).");
        var name = "grassroots_test_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        var options = new StorageOptions
        {
            Provider = StorageProvider.Postgres,
            ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString(),
            Shard = shard,
        };
        return new TestDatabase(options, name, null);
    }

    public async ValueTask DisposeAsync()
    {
        if (Name is not null)
        {
            await using var connection = new NpgsqlConnection(PostgresAdminConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        if (_directory is not null)
        {
            SqliteConnection.ClearPool(new SqliteConnection(Options.ConnectionString));
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by a leaked connection; the OS temp cleaner gets it later.
            }
        }
    }
}
