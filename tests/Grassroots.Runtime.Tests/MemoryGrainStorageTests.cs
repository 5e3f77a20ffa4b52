using Grassroots.Runtime.Persistence;

namespace Grassroots.Runtime.Tests;

public sealed class MemoryGrainStorageTests
{
    private static readonly GrainId Id = new("IThing", "1");

    [Fact]
    public async Task ReadOfNothingStoredReturnsNull()
    {
        var storage = new MemoryGrainStorage();

        Assert.Null(await storage.ReadAsync("state", Id));
    }

    [Fact]
    public async Task FirstWriteExpectsNoVersionAndReturnsOne()
    {
        var storage = new MemoryGrainStorage();

        var etag = await storage.WriteAsync("state", Id, "a", expectedETag: null);

        Assert.Equal(new StoredState("a", etag), await storage.ReadAsync("state", Id));
    }

    [Fact]
    public async Task WriteWithCurrentVersionReplacesPayloadAndVersion()
    {
        var storage = new MemoryGrainStorage();
        var first = await storage.WriteAsync("state", Id, "a", null);

        var second = await storage.WriteAsync("state", Id, "b", first);

        Assert.NotEqual(first, second);
        Assert.Equal(new StoredState("b", second), await storage.ReadAsync("state", Id));
    }

    [Fact]
    public async Task WriteWithStaleVersionThrowsAndKeepsStoredState()
    {
        var storage = new MemoryGrainStorage();
        var first = await storage.WriteAsync("state", Id, "a", null);
        var second = await storage.WriteAsync("state", Id, "b", first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync("state", Id, "c", first));
        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync("state", Id, "c", null));

        Assert.Equal(new StoredState("b", second), await storage.ReadAsync("state", Id));
    }

    [Fact]
    public async Task WriteWithVersionWhenNothingStoredThrows()
    {
        var storage = new MemoryGrainStorage();

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteAsync("state", Id, "a", "1"));
    }

    [Fact]
    public async Task ClearChecksVersionThenRemoves()
    {
        var storage = new MemoryGrainStorage();
        var first = await storage.WriteAsync("state", Id, "a", null);
        var second = await storage.WriteAsync("state", Id, "b", first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearAsync("state", Id, first));
        await storage.ClearAsync("state", Id, second);

        Assert.Null(await storage.ReadAsync("state", Id));
        Assert.NotEqual(second, await storage.WriteAsync("state", Id, "c", null));
    }

    [Fact]
    public async Task StatesAreKeptApartByNameAndGrain()
    {
        var storage = new MemoryGrainStorage();
        var other = Id with { Key = "2" };

        await storage.WriteAsync("state", Id, "a", null);
        await storage.WriteAsync("other-state", Id, "b", null);
        await storage.WriteAsync("state", other, "c", null);

        Assert.Equal("a", (await storage.ReadAsync("state", Id))!.Payload);
        Assert.Equal("b", (await storage.ReadAsync("other-state", Id))!.Payload);
        Assert.Equal("c", (await storage.ReadAsync("state", other))!.Payload);
    }
}
