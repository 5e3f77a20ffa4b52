using System.Linq.Expressions;
using System.Reflection;

namespace Grassroots.Runtime.Invocation;

/// <summary>Calls one grain interface method on a grain instance through a compiled delegate.</summary>
internal abstract class MethodInvoker
{
    public abstract object Invoke(GrainRuntime runtime, GrainId id, Type interfaceType, object?[] args);

    public static MethodInvoker Build(MethodInfo method)
    {
        var returnType = method.ReturnType;
        var resultType = returnType == typeof(Task) ? typeof(VoidResult)
            : returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>) ? returnType.GetGenericArguments()[0]
            : throw new NotSupportedException($"Grain method {method.DeclaringType?.Name}.{method.Name} must return Task or Task<T>.");

        // (object grain, object?[] args) => ((IGrainX)grain).Method((T0)args[0], ...)
        var grain = Expression.Parameter(typeof(object), "grain");
        var args = Expression.Parameter(typeof(object?[]), "args");
        var arguments = method.GetParameters().Select((p, i) =>
            Expression.Convert(Expression.ArrayIndex(args, Expression.Constant(i)), p.ParameterType));
        Expression body = Expression.Call(Expression.Convert(grain, method.DeclaringType!), method, arguments);
        var invokerType = typeof(MethodInvoker<>).MakeGenericType(resultType);
        if (resultType == typeof(VoidResult))
            body = Expression.Call(typeof(VoidResult).GetMethod(nameof(VoidResult.From))!, body);
        var lambda = Expression.Lambda(typeof(Func<,,>).MakeGenericType(typeof(object), typeof(object?[]), typeof(Task<>).MakeGenericType(resultType)),
            body, grain, args);
        return (MethodInvoker)Activator.CreateInstance(invokerType, method.Name, lambda.Compile())!;
    }
}

internal sealed class MethodInvoker<T>(string name, Func<object, object?[], Task<T>> call) : MethodInvoker
{
    public override object Invoke(GrainRuntime runtime, GrainId id, Type interfaceType, object?[] args) =>
        runtime.InvokeAsync(id, interfaceType, name, grain => call(grain, args));
}

/// <summary>Result type of grain methods that return a plain <see cref="Task"/>.</summary>
internal readonly struct VoidResult
{
    public static async Task<VoidResult> From(Task task)
    {
        await task.ConfigureAwait(false);
        return default;
    }
}
