using Grassroots.Runtime.Tests.Grains;
using Grassroots.Runtime.Tests.Support;

namespace Grassroots.Runtime.Tests;

public sealed class InvocationTests
{
    [Fact]
    public async Task ArgumentsOfValueAndReferenceTypesReachTheGrain()
    {
        await using var silo = new TestRuntime();
        var grain = silo.Get<IEchoGrain>("echo");
        var id = Guid.NewGuid();
        var when = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

        var full = await grain.DescribeAsync("text", 42, 0.5, id, when, 7);
        var nulls = await grain.DescribeAsync(null, -1, double.NaN, Guid.Empty, when, null);

        Assert.Equal($"text|42|0.5|{id}|1700000000|7", full);
        Assert.Equal($"<null>|-1|NaN|{Guid.Empty}|1700000000|<null>", nulls);
    }

    [Fact]
    public async Task PlainTaskMethodCompletesAfterTheGrainFinishedIt()
    {
        await using var silo = new TestRuntime();
        var grain = silo.Get<IEchoGrain>("memory");

        await grain.RememberAsync("remembered");
        Assert.Equal("remembered", await grain.RecallAsync());
        await grain.RememberAsync(null);
        Assert.Null(await grain.RecallAsync());
    }

    [Fact]
    public async Task ValueAndRecordResultsReturnToCaller()
    {
        await using var silo = new TestRuntime();
        var grain = silo.Get<IEchoGrain>("results");

        Assert.Equal(5, await grain.AddAsync(2, 3));
        var echoed = await grain.EchoAsync(new EchoMessage("hi", [1, 2]));
        Assert.Equal("results: hi", echoed.Text);
        Assert.Equal([1, 2], echoed.Numbers);
    }

    [Fact]
    public async Task GrainCallsAnotherGrainThroughGrainFactory()
    {
        await using var silo = new TestRuntime();

        Assert.Equal(9, await silo.Get<IEchoGrain>("caller").AddThroughAsync("callee", 4, 5));
        Assert.Equal(2, silo.Runtime.ActivationCount);
    }

    [Fact]
    public async Task CallToUnregisteredGrainInterfaceThrows()
    {
        await using var silo = new TestRuntime();

        await Assert.ThrowsAsync<InvalidOperationException>(() => silo.Get<IUnregisteredGrain>("x").PingAsync());
    }

    [Fact]
    public async Task GrainMethodThatDoesNotReturnTaskIsRefused()
    {
        await using var silo = new TestRuntime();

        Assert.Throws<NotSupportedException>(() => silo.Get<IMisdeclaredGrain>("x").Count());
        Assert.Equal(0, silo.Runtime.ActivationCount);
    }

    [Fact]
    public async Task GrainKnowsItsKey()
    {
        await using var silo = new TestRuntime();

        Assert.Equal("key with spaces: hello", (await silo.Get<IEchoGrain>("key with spaces").EchoAsync(new("hello", []))).Text);
    }
}
