using System.Runtime.Versioning;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Storage;

namespace Grassroots.Silo.FunctionalTests.Hostile;

/// <summary>The SQLite database holds every record and the key hashes: only the service's user may read it.</summary>
public sealed class DataFilePermissionsTests
{
    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task TheSqliteDatabaseAndItsJournalFilesAreReadableByTheirOwnerOnly()
    {
        if (OperatingSystem.IsWindows()) return;
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        Assert.Equal(System.Net.HttpStatusCode.Created, (await app.CreateClient().PutAsync("/api/campaigns/c1",
            new { title = "学习", startsOn = "2020-11-24" })).StatusCode);

        var files = Directory.GetFiles(app.DataDirectory, "grassroots.db*");
        Assert.Contains(files, f => f.EndsWith("grassroots.db-wal", StringComparison.Ordinal));
        Assert.All(files, f => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(f)));
    }
}
