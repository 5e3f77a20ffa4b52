using Grassroots.Runtime.Persistence;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Grassroots.Runtime;

/// <summary>The grain classes known to the runtime, by the one grain interface each implements.</summary>
public sealed class GrainRegistry
{
    internal Dictionary<Type, Type> Types { get; } = [];

    public GrainRegistry Add<TInterface, TGrain>() where TInterface : IGrainWithStringKey where TGrain : Grain, TInterface
    {
        Types[typeof(TInterface)] = typeof(TGrain);
        return this;
    }
}

public static class GrainRuntimeServiceCollectionExtensions
{
    /// <summary>Adds the grain runtime as a hosted service and <see cref="IGrainFactory"/>.</summary>
    public static IServiceCollection AddGrainRuntime(this IServiceCollection services, Action<GrainRegistry> grains,
        Action<GrainRuntimeOptions>? configure = null)
    {
        var registry = services.Select(d => d.ImplementationInstance).OfType<GrainRegistry>().FirstOrDefault();
        if (registry is null)
        {
            registry = new GrainRegistry();
            services.AddSingleton(registry);
        }
        grains(registry);
        var options = services.AddOptions<GrainRuntimeOptions>();
        if (configure is not null) options.Configure(configure);
        services.TryAddSingleton<GrainRuntime>();
        services.TryAddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainRuntime>());
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<GrainRuntime>());
        return services;
    }

    /// <summary>Uses in-memory storage for grain state under <paramref name="name"/>.</summary>
    public static IServiceCollection AddMemoryGrainStorage(this IServiceCollection services,
        string name = PersistentStateAttribute.DefaultStorage) =>
        services.AddKeyedSingleton<IGrainStorage>(name, new MemoryGrainStorage());
}
