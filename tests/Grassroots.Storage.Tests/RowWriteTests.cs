using Grassroots.Storage.Tests.Support;

namespace Grassroots.Storage.Tests;

public sealed class RowWriteTests
{
    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task UpsertCreatesARowThenOverwritesItWithoutAVersionCheck(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);

        await store.CommitAsync(Rows.Region("110000", "北京市", "province"), Rows.Region(Rows.County, "海淀", parent: "110000"));
        await store.CommitAsync(Rows.Region(Rows.County, "海淀区", parent: "110000"));

        var regions = await store.Database.QueryAsync("SELECT code, name, parent_code FROM regions ORDER BY code", [],
            r => (r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2)));
        Assert.Equal([("110000", "北京市", null), (Rows.County, "海淀区", "110000")], regions);
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task IncrementsOfARollupTableGoUnderTheShardOfTheLaneThatWritesThem(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);

        var batch = await store.CommitAsync(Rows.Talk("honoree-1", 300, 7));

        Assert.Equal(1, await store.CountAsync(
            "SELECT count(*) FROM honoree_rollups WHERE shard = $1 AND honoree_id = 'honoree-1' AND talks = 1 AND audience = 300", batch.Shard));
        Assert.Contains(batch.Shard, store.Test.Options.LaneShards());
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task AppendAddsEveryRowWithAKeyFromTheDatabase(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        Append Change(string key) => new(Rows.ChangeLog, [DateTimeOffset.UtcNow, "admin", "branch", key, "update", "{}", "{}"]);

        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => store.CommitAsync(Change($"b-{i}"), Change($"b-{i}"))));

        Assert.Equal(60, await store.CountAsync("SELECT count(*) FROM change_log"));
        Assert.Equal(60, await store.CountAsync("SELECT count(DISTINCT change_id) FROM change_log"));
        Assert.Equal(30, await store.CountAsync("SELECT count(DISTINCT entity_key) FROM change_log"));
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task RemoveDeletesTheRowAndIgnoresOneThatIsMissing(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await store.CommitAsync(Rows.Region("110000", "北京市", "province"), Rows.Region("120000", "天津市", "province"));

        await store.CommitAsync(new Remove(Rows.Regions, ["110000"]), new Remove(Rows.Regions, ["990000"]));

        Assert.Equal(["120000"], await store.Database.QueryAsync("SELECT code FROM regions", [], r => r.GetString(0)));
    }
}
