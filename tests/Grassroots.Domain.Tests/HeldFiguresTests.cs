using Grassroots.Domain.Contracts;
using Grassroots.Domain.Rollups;

namespace Grassroots.Domain.Tests;

/// <summary>A grain's figures take each run of batches only where they end, so no batch is counted twice or left out.</summary>
public sealed class HeldFiguresTests
{
    private sealed class Sum
    {
        public long Value { get; set; }
    }

    [Fact]
    public async Task ARunIsTakenOnlyWhereTheFiguresEndAndAGapLoadsThemAgain()
    {
        var loads = 0;
        var stored = (Value: 100L, Seq: 10L); // what the database holds
        var figures = new HeldFigures<Sum>(() =>
        {
            loads++;
            return Task.FromResult((new Sum { Value = stored.Value }, (IReadOnlyDictionary<string, long>)new Dictionary<string, long> { ["s"] = stored.Seq }));
        });
        await figures.LoadAsync();
        static void Add(Sum sum, long change) => sum.Value += change;

        // Batches 11–12 start where the figures end: taken.
        Assert.Equal(12, await figures.ApplyAsync(new RollupDelivery<long>("s", 10, 12, [5]), Add));
        Assert.Equal(105, figures.State.Value);
        // Sent again (the answer was lost): already held, not counted twice.
        Assert.Equal(12, await figures.ApplyAsync(new RollupDelivery<long>("s", 10, 12, [5]), Add));
        Assert.Equal(105, figures.State.Value);
        // A run that starts inside what the figures hold (they loaded since its sender's last delivery): nothing taken,
        // and the answer says where to start.
        Assert.Equal(12, await figures.ApplyAsync(new RollupDelivery<long>("s", 8, 15, [1_000]), Add));
        Assert.Equal(105, figures.State.Value);
        Assert.Equal(15, await figures.ApplyAsync(new RollupDelivery<long>("s", 12, 15, [7]), Add));
        Assert.Equal(112, figures.State.Value);
        // Another shard starts from nothing.
        Assert.Equal(3, await figures.ApplyAsync(new RollupDelivery<long>("t", 0, 3, [1]), Add));
        Assert.Equal(113, figures.State.Value);

        // A run that starts after where the figures end: a batch went missing, so the figures are loaded again, with it.
        stored = (500, 30);
        Assert.Equal(30, await figures.ApplyAsync(new RollupDelivery<long>("s", 20, 25, [9]), Add));
        Assert.Equal(500, figures.State.Value);
        Assert.Equal(2, loads);
    }
}
