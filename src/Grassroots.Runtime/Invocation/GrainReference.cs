using System.Collections.Concurrent;
using System.Reflection;

namespace Grassroots.Runtime.Invocation;

/// <summary>
/// A typed reference: a generated proxy implementing the grain interface whose every call is queued on
/// the grain's activation. Each interface method is bound once to a compiled invoker, so a call costs a
/// dictionary lookup, an argument array and a delegate call — no reflection invoke.
/// </summary>
public class GrainReference : DispatchProxy
{
    private static readonly ConcurrentDictionary<MethodInfo, MethodInvoker> Invokers = new();

    private GrainRuntime _runtime = null!;
    private Type _interface = null!;

    public GrainId GrainId { get; private set; }

    internal static object Create(Type interfaceType, GrainRuntime runtime, GrainId id)
    {
        var proxy = (GrainReference)Create(interfaceType, typeof(GrainReference));
        proxy._runtime = runtime;
        proxy._interface = interfaceType;
        proxy.GrainId = id;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);
        var invoker = Invokers.GetOrAdd(targetMethod, MethodInvoker.Build);
        return invoker.Invoke(_runtime, GrainId, _interface, args ?? []);
    }

    public override string ToString() => GrainId.ToString();
}
