using System.Diagnostics;
using Polly;
using Polly.Registry;
using Polly.Retry;

namespace Grassroots.Silo.Failover;

/// <summary>
/// When a silo dies or leaves the cluster, calls to the grains it held fail until the cluster has taken note
/// (SiloUnavailableException, OrleansMessageRejectionException); at their next call those grains come back on the
/// survivors. So a request that may safely run twice is run again, for at most <see cref="RetryFor"/>, before it is
/// answered 503: reads, and PUT and DELETE, which are idempotent by design (the client chooses the ids). POST is not.
/// One Polly pipeline (<see cref="PipelineName"/>), so its retries show in Polly's metrics and logs.
/// </summary>
public static class SiloFailover
{
    public const string PipelineName = "silo-failover";

    /// <summary>Longer than the measured failover (a few seconds, docs/benchmarks.md), well short of any client's patience.</summary>
    public static readonly TimeSpan RetryFor = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(1);

    private static readonly ResiliencePropertyKey<long> Started = new("grassroots.failover-started");

    public static bool IsSiloLost(Exception error) => error is SiloUnavailableException or OrleansMessageRejectionException
        || (error.InnerException is { } inner && IsSiloLost(inner));

    /// <summary>Pauses of 100 ms, doubling to at most 1 s, while the silo is lost and a pause more still fits in <see cref="RetryFor"/>.</summary>
    public static IServiceCollection AddSiloFailover(this IServiceCollection services) =>
        services.AddResiliencePipeline(PipelineName, builder => builder.AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } error && IsSiloLost(error)
                && Stopwatch.GetElapsedTime(args.Context.Properties.GetValue(Started, 0)) + LongestPause < RetryFor),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(100),
            MaxDelay = LongestPause,
        }));

    /// <summary>Runs <paramref name="call"/> again while it fails because a silo was lost, for at most <see cref="RetryFor"/>.</summary>
    public static async Task<T> RetryAsync<T>(IServiceProvider services, Func<Task<T>> call, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(Started, Stopwatch.GetTimestamp());
        try
        {
            return await services.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(PipelineName)
                .ExecuteAsync(async _ => await call(), context);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// Runs <paramref name="call"/>, and again while it fails because a silo was lost, for at most <see cref="RetryFor"/>.
    /// The first attempt runs outside the pipeline: nearly every call succeeds at once, and need not pay for it.
    /// </summary>
    public static Task<T> RunAsync<T>(IServiceProvider services, Func<Task<T>> call, CancellationToken cancellationToken) =>
        RunAsync(services, static call => call(), call, cancellationToken);

    /// <summary>
    /// <see cref="RunAsync{T}(IServiceProvider, Func{Task{T}}, CancellationToken)"/> for a call on every request (a key's
    /// authentication): a static <paramref name="call"/> and its <paramref name="state"/>, so that no closure is made
    /// unless a silo was lost.
    /// </summary>
    public static async Task<T> RunAsync<TState, T>(IServiceProvider services, Func<TState, Task<T>> call, TState state, CancellationToken cancellationToken)
    {
        try
        {
            return await call(state);
        }
        catch (Exception error) when (IsSiloLost(error))
        {
            return await RetryAsync(services, call, state, cancellationToken);
        }
    }

    // Apart, so that the closure is made only here: a lambda in RunAsync would capture its parameters on every call.
    private static Task<T> RetryAsync<TState, T>(IServiceProvider services, Func<TState, Task<T>> call, TState state, CancellationToken cancellationToken) =>
        RetryAsync(services, () => call(state), cancellationToken);

    /// <summary>The endpoint filter: the handler of an idempotent request runs again while a silo is being failed over.</summary>
    public static ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var method = http.Request.Method;
        return HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method)
            ? RunAsync(context, next)
            : next(context);
    }

    /// <summary>As <see cref="RunAsync{T}"/>, with the first attempt awaited as the handler returns it: no delegate, no Task made for it.</summary>
    private static async ValueTask<object?> RunAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (Exception error) when (IsSiloLost(error))
        {
            return await RetryAsync(context, next);
        }
    }

    // Apart, so that the closure of the retries is made only when there are retries, not on every request's entry.
    private static Task<object?> RetryAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        RetryAsync(context.HttpContext.RequestServices, () => next(context).AsTask(), context.HttpContext.RequestAborted);
}
