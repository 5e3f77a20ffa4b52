using System.Reflection;
using Grassroots.Runtime.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Grassroots.Runtime;

/// <summary>
/// How to build one grain class: services come from DI, and each constructor parameter marked
/// <see cref="PersistentStateAttribute"/> gets a state bound to the grain's identity.
/// The reflection here runs once per type, not per call.
/// </summary>
internal sealed class GrainType
{
    private readonly ObjectFactory _factory;
    private readonly Func<IServiceProvider, GrainId, object>[] _stateFactories;

    public GrainType(Type interfaceType, Type grainClass)
    {
        InterfaceType = interfaceType;
        var constructor = grainClass.GetConstructors().Single();
        var stateParameters = constructor.GetParameters()
            .Where(p => p.GetCustomAttribute<PersistentStateAttribute>() is not null)
            .ToArray();
        _stateFactories = [.. stateParameters.Select(BuildStateFactory)];
        _factory = ActivatorUtilities.CreateFactory(grainClass, [.. stateParameters.Select(p => p.ParameterType)]);
    }

    public Type InterfaceType { get; }

    public Grain Create(IServiceProvider services, GrainId id)
    {
        var states = new object[_stateFactories.Length];
        for (var i = 0; i < states.Length; i++) states[i] = _stateFactories[i](services, id);
        return (Grain)_factory(services, states);
    }

    private static Func<IServiceProvider, GrainId, object> BuildStateFactory(ParameterInfo parameter)
    {
        var attribute = parameter.GetCustomAttribute<PersistentStateAttribute>()!;
        var type = parameter.ParameterType;
        if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(IPersistentState<>))
            throw new InvalidOperationException($"[PersistentState] parameter '{parameter.Name}' must be IPersistentState<T>.");
        var stateType = typeof(PersistentState<>).MakeGenericType(type.GetGenericArguments()[0]);
        return (services, id) =>
        {
            var storage = services.GetRequiredKeyedService<IGrainStorage>(attribute.StorageName);
            return Activator.CreateInstance(stateType, attribute.StateName, id, storage)!;
        };
    }
}
