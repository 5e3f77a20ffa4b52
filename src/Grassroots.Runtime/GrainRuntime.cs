using System.Collections.Concurrent;
using System.Diagnostics;
using Grassroots.Runtime.Invocation;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Grassroots.Runtime;

/// <summary>
/// The catalog of this process's activations: creates them on first call, keeps one per grain id,
/// collects idle ones and drains them all at shutdown.
/// </summary>
public sealed class GrainRuntime : IGrainFactory, IHostedService, IAsyncDisposable
{
    private readonly ConcurrentDictionary<GrainId, Activation> _activations = new();
    private readonly ConcurrentDictionary<GrainId, Task> _leaving = new();
    private readonly ConcurrentDictionary<(Type, string), object> _references = new();
    private readonly IReadOnlyDictionary<Type, GrainType> _types;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _collector;

    public GrainRuntime(IServiceProvider services, GrainRegistry registry, IOptions<GrainRuntimeOptions> options,
        ILogger<GrainRuntime>? logger = null)
    {
        Services = services;
        Options = options.Value;
        Logger = logger ?? NullLogger<GrainRuntime>.Instance;
        _types = registry.Types.ToDictionary(t => t.Key, t => new GrainType(t.Key, t.Value));
    }

    internal IServiceProvider Services { get; }
    internal GrainRuntimeOptions Options { get; }
    internal ILogger Logger { get; }

    /// <summary>Number of live activations in this process.</summary>
    public int ActivationCount => _activations.Count;

    public TGrain Get<TGrain>(string key) where TGrain : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        return (TGrain)_references.GetOrAdd((typeof(TGrain), key),
            static (k, runtime) => GrainReference.Create(k.Item1, runtime, new GrainId(k.Item1.Name, k.Item2)), this);
    }

    /// <summary>Queues a call on the grain's activation, creating the activation if there is none.</summary>
    internal Task<T> InvokeAsync<T>(GrainId id, Type interfaceType, string method, Func<object, Task<T>> call)
    {
        var item = new CallItem<T>(call, method, Activity.Current?.Context ?? default);
        while (true)
        {
            if (_stopping.IsCancellationRequested)
                throw new InvalidOperationException($"The grain runtime is shutting down; {id} was not called.");
            var activation = _activations.GetOrAdd(id, static (gid, s) => new Activation(s.runtime, gid, s.type),
                (runtime: this, type: TypeOf(interfaceType)));
            if (activation.TryEnqueue(item)) return item.Task;
            _activations.TryRemove(new KeyValuePair<GrainId, Activation>(id, activation));
        }
    }

    private GrainType TypeOf(Type interfaceType) =>
        _types.TryGetValue(interfaceType, out var type)
            ? type
            : throw new InvalidOperationException($"No grain class is registered for {interfaceType.Name}.");

    internal void RequestDeactivation(Activation activation, DeactivationReason reason)
    {
        activation.TryBeginDeactivation(reason, onlyIfIdleSince: null);
    }

    /// <summary>Called under the activation's lock as it starts deactivating, before any caller can miss it.</summary>
    internal void Leaving(Activation activation)
    {
        _leaving[activation.Id] = activation.Defunct;
        _activations.TryRemove(new KeyValuePair<GrainId, Activation>(activation.Id, activation));
        _ = activation.Defunct.ContinueWith(
            _ => _leaving.TryRemove(new KeyValuePair<GrainId, Task>(activation.Id, activation.Defunct)),
            TaskScheduler.Default);
    }

    /// <summary>A new activation starts only after the previous one of the same id has finished deactivating.</summary>
    internal Task WaitForPreviousAsync(Activation activation) =>
        _leaving.TryGetValue(activation.Id, out var previous) && previous != activation.Defunct ? previous : Task.CompletedTask;

    internal void Remove(Activation activation) =>
        _activations.TryRemove(new KeyValuePair<GrainId, Activation>(activation.Id, activation));

    /// <summary>Deactivates every activation that has had no call since <paramref name="idleFor"/> ago.</summary>
    public int CollectIdle(TimeSpan idleFor)
    {
        var cutoff = Environment.TickCount64 - (long)idleFor.TotalMilliseconds;
        var collected = 0;
        foreach (var activation in _activations.Values)
        {
            if (activation.TryBeginDeactivation(DeactivationReason.Idle, cutoff)) collected++;
        }
        return collected;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _collector ??= CollectLoopAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    private async Task CollectLoopAsync(CancellationToken stopping)
    {
        using var timer = new PeriodicTimer(Options.CollectionInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false))
            {
                var collected = CollectIdle(Options.IdleTimeout);
                if (collected > 0) Logger.LogDebug("Deactivated {Count} idle grains", collected);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>Refuses new calls, lets queued calls finish, then deactivates every activation.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stopping.IsCancellationRequested) return;
        _stopping.Cancel();
        foreach (var activation in _activations.Values) RequestDeactivation(activation, DeactivationReason.Shutdown);
        var all = Task.WhenAll(_leaving.Values);
        var finished = await Task.WhenAny(all, Task.Delay(Options.ShutdownTimeout, cancellationToken)).ConfigureAwait(false);
        if (finished != all) Logger.LogWarning("Grain shutdown timed out with {Count} activations left", _leaving.Count);
        if (_collector is not null) await _collector.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }
}
