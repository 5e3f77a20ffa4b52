using Grassroots.Runtime;

namespace Grassroots.Benchmarks;

/// <summary>A grain whose method does almost nothing, so a benchmark measures the runtime around it.</summary>
public interface IBenchGrain : IGrainWithStringKey
{
    Task<int> AddAsync(int amount);
}

public sealed class BenchGrain : Grain, IBenchGrain
{
    private int _total;

    public Task<int> AddAsync(int amount) => Task.FromResult(_total += amount);
}
