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
    public async Task UpsertStampsTheSequenceColumnWithItsBatch(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);

        var receipt = await store.CommitAsync(new Upsert(Rows.HonoreeRollups, ["silo-1", "honoree-1", "campaign-1", "110000"], [3, 300, 7]));

        Assert.Equal(receipt.Seq, await store.CountAsync("SELECT seq FROM honoree_rollups WHERE honoree_id = 'honoree-1' AND talks = 3 AND audience = 300"));
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task AppendAddsEveryRowWithAKeyFromTheDatabase(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        Append Change(string key) => new(Rows.ChangeLog, [DateTimeOffset.UtcNow, "admin", "branch", key, "create", null, "{}"]);

        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => store.CommitAsync(Change($"b-{i}"), Change($"b-{i}"))));

        Assert.Equal(60, await store.CountAsync("SELECT count(*) FROM change_log"));
        Assert.Equal(60, await store.CountAsync("SELECT count(DISTINCT change_id) FROM change_log"));
        Assert.Equal(30, await store.CountAsync("SELECT count(DISTINCT entity_key) FROM change_log WHERE before_json IS NULL"));
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
