using System.Net;
using Grassroots.Silo.FunctionalTests.Support;
using Grassroots.Silo.Security;
using Grassroots.Storage;
using Grassroots.TestSupport;

namespace Grassroots.Silo.FunctionalTests.Security;

/// <summary>
/// The embedded default is usable at once and still closed: the first start makes an hq key in a file only its owner
/// can read. The open development mode exists, but only when asked for.
/// </summary>
public sealed class FirstStartTests
{
    [Fact]
    public async Task FirstStartOnSqliteSavesAnHqKeyOnlyItsOwnerCanRead()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite);
        var path = Path.Combine(app.DataDirectory, SecurityOptions.FirstKeyFile);

        Assert.True(File.Exists(path));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        var key = (await File.ReadAllTextAsync(path)).Trim();
        var first = Assert.Single(await app.Service<ApiKeyStore>().ListAsync(), k => k.CreatedBy == FirstStartHqKey.Actor);
        Assert.Equal((Keys.KeyIdOf(key), Roles.Hq, "CN"), (first.KeyId, first.Role, first.Scope));
        // hq rights: only hq may create a campaign.
        Assert.Equal(HttpStatusCode.Created, (await app.ClientWith(key).PutAsync("/api/campaigns/c9",
            new { title = "学习", startsOn = "2021-01-01" })).StatusCode);
    }

    [Fact]
    public async Task LaterStartsMakeNoNewKey()
    {
        await using var database = await TestDatabase.CreateAsync(StorageProvider.Sqlite);
        var path = Path.Combine(GrassrootsApp.DataDirectoryOf(database), SecurityOptions.FirstKeyFile);
        await using (await GrassrootsApp.StartAsync(database)) Assert.True(File.Exists(path));
        File.Delete(path);

        await using var again = await GrassrootsApp.StartAsync(database);

        Assert.False(File.Exists(path));
        Assert.Single(await again.Service<ApiKeyStore>().ListAsync(), k => k.CreatedBy == FirstStartHqKey.Actor);
    }

    [PostgresFact]
    public async Task PostgresStartMakesNoKey()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Postgres);

        Assert.DoesNotContain(await app.Service<ApiKeyStore>().ListAsync(), k => k.CreatedBy == FirstStartHqKey.Actor);
        Assert.False(Directory.Exists(app.DataDirectory));
    }

    [Fact]
    public async Task OpenDevelopmentModeActsAsHqWithoutAKeyButStillRefusesWrongKeys()
    {
        await using var app = await GrassrootsApp.StartAsync(StorageProvider.Sqlite,
            settings: new Dictionary<string, string?> { ["Security:OpenDevelopmentMode"] = "true" });
        var anonymous = app.ClientWith(null);

        Assert.Equal(HttpStatusCode.Created, (await anonymous.PutAsync("/api/campaigns/c9", new { title = "学习", startsOn = "2021-01-01" })).StatusCode);
        Assert.StartsWith("open-development create ", Assert.Single(await app.ChangesAsync("campaign", "c9")));
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.ClientWith(ApiKeySecret.New().Key).GetAsync("/api/campaigns")).StatusCode);
    }
}
