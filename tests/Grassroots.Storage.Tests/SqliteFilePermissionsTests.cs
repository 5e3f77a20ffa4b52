using System.Runtime.Versioning;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Grassroots.Storage.Tests;

/// <summary>A new data directory is 0700 and the database with its journal 0600; a file an earlier version left readable is narrowed.</summary>
public sealed class SqliteFilePermissionsTests : IDisposable
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "grassroots-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task ANewDataDirectoryAndDatabaseAreTheOwnersOnly()
    {
        if (OperatingSystem.IsWindows()) return;
        var directory = Path.Combine(_root, "data");

        await MigrateAsync(Path.Combine(directory, "grassroots.db"));

        Assert.Equal(OwnerOnly | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        var files = Directory.GetFiles(directory);
        Assert.Contains(files, f => f.EndsWith("-wal", StringComparison.Ordinal));
        Assert.All(files, f => Assert.Equal(OwnerOnly, File.GetUnixFileMode(f)));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task AWorldReadableDatabaseFromAnEarlierVersionIsNarrowed()
    {
        if (OperatingSystem.IsWindows()) return;
        Directory.CreateDirectory(_root);
        var file = Path.Combine(_root, "grassroots.db");
        await MigrateAsync(file);
        SqliteConnection.ClearAllPools();
        File.SetUnixFileMode(file, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await MigrateAsync(file);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(file));
    }

    private static async Task MigrateAsync(string file)
    {
        var database = Database.Create(new StorageOptions
        {
            Provider = StorageProvider.Sqlite,
            ConnectionString = new SqliteConnectionStringBuilder { DataSource = file }.ToString(),
        });
        await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
