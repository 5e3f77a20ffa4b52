using Microsoft.Extensions.Logging.Abstractions;

namespace Grassroots.Storage.Tests;

public sealed class MigratorTests
{
    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task FreshDatabaseGetsEveryScriptOnceAndRecordsIt(StorageProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        await using var database = Database.Create(test.Options);
        var migrator = new Migrator(database, NullLogger<Migrator>.Instance);
        Assert.False(await migrator.IsCurrentAsync());

        var applied = await migrator.MigrateAsync();

        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], applied);
        Assert.Equal(migrator.Scripts.Select(s => s.Version), applied);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], await RecordedVersionsAsync(database));
        Assert.True(await migrator.IsCurrentAsync());
        // Orleans' providers find their queries here.
        Assert.True((await database.QueryAsync("SELECT count(*) FROM OrleansQuery", [], r => Convert.ToInt64(r.GetValue(0)))).Single() > 10);
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task MigratingTwiceAppliesNothingTheSecondTime(StorageProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        await using var database = Database.Create(test.Options);
        await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();

        var second = await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();

        Assert.Empty(second);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], await RecordedVersionsAsync(database));
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task TwoProcessesMigratingAtOnceBothSucceedAndApplyEachScriptOnce(StorageProvider provider)
    {
        await using var test = await TestDatabase.CreateAsync(provider);
        await using var first = Database.Create(test.OptionsFor("silo-a"));
        await using var second = Database.Create(test.OptionsFor("silo-b"));

        var applied = await Task.WhenAll(
            Task.Run(() => new Migrator(first, NullLogger<Migrator>.Instance).MigrateAsync()),
            Task.Run(() => new Migrator(second, NullLogger<Migrator>.Instance).MigrateAsync()))
            .WaitAsync(Support.TestStore.Guard);

        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], applied.SelectMany(a => a).Order());
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], await RecordedVersionsAsync(first));
        Assert.True(await new Migrator(second, NullLogger<Migrator>.Instance).IsCurrentAsync());
    }

    [PostgresFact]
    public async Task RollupTablesLeaveRoomOnEachPageForTheirUpdates()
    {
        await using var test = await TestDatabase.CreateAsync(StorageProvider.Postgres);
        await using var database = Database.Create(test.Options);
        await new Migrator(database, NullLogger<Migrator>.Instance).MigrateAsync();

        var options = await database.QueryAsync(
            "SELECT relname, array_to_string(reloptions, ',') FROM pg_class WHERE relname IN ('county_days', 'county_branches', 'honoree_rollups', 'shards', 'study_sessions')",
            [], r => (Table: r.GetString(0), Options: r.IsDBNull(1) ? "" : r.GetString(1)));

        Assert.Equal(["county_branches", "county_days", "honoree_rollups", "shards"],
            options.Where(o => o.Options.Contains("fillfactor=70")).Select(o => o.Table).Order());
        Assert.DoesNotContain("fillfactor", options.Single(o => o.Table == "study_sessions").Options); // inserted, hardly ever updated
    }

    private static async Task<List<int>> RecordedVersionsAsync(Database database) =>
        await database.QueryAsync("SELECT version FROM schema_migrations ORDER BY version", [], r => Convert.ToInt32(r.GetValue(0)));
}
