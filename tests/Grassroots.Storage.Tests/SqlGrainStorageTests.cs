using Grassroots.Runtime;
using Grassroots.Runtime.Persistence;
using Grassroots.Storage.Tests.Grains;
using Grassroots.Storage.Tests.Support;

namespace Grassroots.Storage.Tests;

public sealed class SqlGrainStorageTests
{
    private static readonly GrainId Profile = new(nameof(IProfileGrain), "li-wei");

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task WrittenStateIsReadBackByAnotherSilo(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var writer = new TestSilo(store.Test, "silo-a");
        await using var reader = new TestSilo(store.Test, "silo-b");

        await writer.Get<IProfileGrain>("li-wei").RenameAsync("Li Wei");
        await writer.Get<IProfileGrain>("li-wei").RenameAsync("Li Wei (劳模)");

        Assert.Equal(new ProfileSnapshot("Li Wei (劳模)", "2", true), await reader.Get<IProfileGrain>("li-wei").GetAsync());
        var stored = await reader.Storage.ReadAsync("profile", Profile);
        Assert.Equal("2", stored?.ETag);
        Assert.Contains("Li Wei", stored?.Payload);
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task WriteWithStaleETagThrowsInconsistentStateAndKeepsTheOtherWrite(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var first = new TestSilo(store.Test, "silo-a");
        await using var second = new TestSilo(store.Test, "silo-b");
        var early = first.Get<IProfileGrain>("li-wei");
        var late = second.Get<IProfileGrain>("li-wei");
        await early.GetAsync();
        await late.GetAsync();

        await early.RenameAsync("from silo a");
        await Assert.ThrowsAsync<InconsistentStateException>(() => late.RenameAsync("from silo b"));

        Assert.Equal("1", (await first.Storage.ReadAsync("profile", Profile))?.ETag);
        await using (var third = new TestSilo(store.Test, "silo-c"))
            Assert.Equal(new ProfileSnapshot("from silo a", "1", true), await third.Get<IProfileGrain>("li-wei").GetAsync());
        await late.ReloadAsync();
        await late.RenameAsync("from silo b");
        Assert.Equal(new ProfileSnapshot("from silo b", "2", true), await late.GetAsync());
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task StorageRefusesStaleETagsOnWriteAndClear(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var silo = new TestSilo(store.Test, "silo-a");
        var etag = await silo.Storage.WriteAsync("profile", Profile, "{\"name\":\"a\"}", null);
        etag = await silo.Storage.WriteAsync("profile", Profile, "{\"name\":\"b\"}", etag);

        await Assert.ThrowsAsync<InconsistentStateException>(() => silo.Storage.WriteAsync("profile", Profile, "{}", null));
        await Assert.ThrowsAsync<InconsistentStateException>(() => silo.Storage.WriteAsync("profile", Profile, "{}", "1"));
        await Assert.ThrowsAsync<InconsistentStateException>(() => silo.Storage.ClearAsync("profile", Profile, "1"));
        await Assert.ThrowsAsync<InconsistentStateException>(() => silo.Storage.ClearAsync("profile", Profile, null));

        Assert.Equal(new StoredState("{\"name\":\"b\"}", etag), await silo.Storage.ReadAsync("profile", Profile));
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task ClearedStateReadsAsAbsentAndCanBeWrittenAgain(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var silo = new TestSilo(store.Test, "silo-a");
        var profile = silo.Get<IProfileGrain>("li-wei");
        await profile.RenameAsync("Li Wei");

        await profile.ClearAsync();

        Assert.Equal(new ProfileSnapshot(null, null, false), await profile.GetAsync());
        Assert.Null(await silo.Storage.ReadAsync("profile", Profile));
        await using (var other = new TestSilo(store.Test, "silo-b"))
            Assert.Equal(new ProfileSnapshot(null, null, false), await other.Get<IProfileGrain>("li-wei").GetAsync());
        await profile.RenameAsync("Li Wei again");
        Assert.Equal("Li Wei again", (await profile.GetAsync()).Name);
        Assert.Equal((await profile.GetAsync()).ETag, (await silo.Storage.ReadAsync("profile", Profile))?.ETag);
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task WriterHoldingAVersionFromBeforeAClearStillConflictsAfterTheStateIsWrittenAgain(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await using var silo = new TestSilo(store.Test, "silo-a");
        await using var other = new TestSilo(store.Test, "silo-b");
        var profile = silo.Get<IProfileGrain>("li-wei");
        await profile.RenameAsync("Li Wei");
        var stale = other.Get<IProfileGrain>("li-wei");
        Assert.Equal("Li Wei", (await stale.GetAsync()).Name);

        await profile.ClearAsync();
        await profile.RenameAsync("Li Wei again");

        await Assert.ThrowsAsync<InconsistentStateException>(() => stale.RenameAsync("stale writer"));
        Assert.Contains("Li Wei again", (await silo.Storage.ReadAsync("profile", Profile))?.Payload);
    }
}
