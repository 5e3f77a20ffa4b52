using BenchmarkDotNet.Attributes;
using Grassroots.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.Benchmarks;

/// <summary>
/// What a grain call costs: through a typed reference (queue, turn, completion) against calling the grain
/// class directly and against a plain delegate. Every benchmark makes <see cref="Calls"/> calls, and the
/// reported time is per call.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
public class RuntimeCallBenchmarks
{
    private const int Calls = 10_000;

    private ServiceProvider _services = null!;
    private IBenchGrain _hot = null!;
    private IBenchGrain[] _many = null!;
    private readonly BenchGrain _direct = new();
    private Func<int, Task<int>> _delegate = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var services = new ServiceCollection();
        services.AddGrainRuntime(grains => grains.Add<IBenchGrain, BenchGrain>());
        _services = services.BuildServiceProvider();
        var runtime = _services.GetRequiredService<GrainRuntime>();
        _hot = runtime.Get<IBenchGrain>("hot");
        _many = [.. Enumerable.Range(0, Calls).Select(i => runtime.Get<IBenchGrain>($"grain-{i}"))];
        await _hot.AddAsync(0);
        await Task.WhenAll(_many.Select(g => g.AddAsync(0)));
        _delegate = _direct.AddAsync;
    }

    [GlobalCleanup]
    public ValueTask CleanupAsync() => _services.DisposeAsync();

    [Benchmark(Baseline = true, OperationsPerInvoke = Calls, Description = "Direct call on grain class")]
    public async Task<int> DirectCall()
    {
        var total = 0;
        for (var i = 0; i < Calls; i++) total = await _direct.AddAsync(1);
        return total;
    }

    [Benchmark(OperationsPerInvoke = Calls, Description = "Delegate call")]
    public async Task<int> DelegateCall()
    {
        var total = 0;
        for (var i = 0; i < Calls; i++) total = await _delegate(1);
        return total;
    }

    [Benchmark(OperationsPerInvoke = Calls, Description = "Grain reference, one hot grain, sequential")]
    public async Task<int> HotGrainSequential()
    {
        var total = 0;
        for (var i = 0; i < Calls; i++) total = await _hot.AddAsync(1);
        return total;
    }

    [Benchmark(OperationsPerInvoke = Calls, Description = "Grain reference, 10,000 warm grains, concurrent")]
    public async Task<int> ManyGrainsConcurrent()
    {
        var calls = new Task<int>[Calls];
        for (var i = 0; i < Calls; i++) calls[i] = _many[i].AddAsync(1);
        var results = await Task.WhenAll(calls);
        return results.Length;
    }
}
