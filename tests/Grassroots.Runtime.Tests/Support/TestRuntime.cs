using Grassroots.Runtime.Persistence;
using Grassroots.Runtime.Tests.Grains;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.Runtime.Tests.Support;

/// <summary>A grain runtime built the way the host builds it: a service collection with the test grains and memory storage.</summary>
public sealed class TestRuntime : IAsyncDisposable
{
    /// <summary>How long a test waits for something that should happen before it fails instead of hanging.</summary>
    public static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private readonly ServiceProvider _services;

    public TestRuntime(Action<GrainRuntimeOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<GrainProbe>();
        services.AddGrainRuntime(grains => grains
                .Add<ISequenceGrain, SequenceGrain>()
                .Add<IRendezvousGrain, RendezvousGrain>()
                .Add<ILifecycleGrain, LifecycleGrain>()
                .Add<IFragileGrain, FragileGrain>()
                .Add<ICounterGrain, CounterGrain>()
                .Add<ITickingGrain, TickingGrain>()
                .Add<IEchoGrain, EchoGrain>()
                .Add<IMisdeclaredGrain, MisdeclaredGrain>(),
            configure);
        services.AddMemoryGrainStorage();
        _services = services.BuildServiceProvider();
        Runtime = _services.GetRequiredService<GrainRuntime>();
    }

    public GrainRuntime Runtime { get; }
    public GrainProbe Probe => _services.GetRequiredService<GrainProbe>();
    public IGrainStorage Storage => _services.GetRequiredKeyedService<IGrainStorage>(PersistentStateAttribute.DefaultStorage);

    public TGrain Get<TGrain>(string key) where TGrain : IGrainWithStringKey => Runtime.Get<TGrain>(key);

    /// <summary>
    /// Collects idle activations until <paramref name="expected"/> have been collected. An activation whose last
    /// call has just returned to the caller may still be finishing its turn for a moment, so this retries.
    /// </summary>
    public async Task CollectIdleAsync(int expected = 1)
    {
        var collected = 0;
        var deadline = DateTime.UtcNow + Guard;
        while ((collected += Runtime.CollectIdle(TimeSpan.Zero)) < expected)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Only {collected} of {expected} activations were collected.");
            await Task.Delay(1);
        }
    }

    public ValueTask DisposeAsync()
    {
        Probe.Gate.TrySetResult();
        Probe.ActivationGate?.TrySetResult();
        return _services.DisposeAsync();
    }
}
