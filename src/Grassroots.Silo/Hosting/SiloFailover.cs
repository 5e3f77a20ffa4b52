using System.Diagnostics;

namespace Grassroots.Silo.Hosting;

/// <summary>
/// When a silo dies or leaves the cluster, calls to the grains it held fail until the cluster has taken note
/// (SiloUnavailableException, OrleansMessageRejectionException); at their next call those grains come back on the
/// survivors. So a request that may safely run twice is run again, for at most <see cref="RetryFor"/>, before it is
/// answered 503: reads, and PUT and DELETE, which are idempotent by design (the client chooses the ids). POST is not.
/// </summary>
public static class SiloFailover
{
    /// <summary>Longer than the measured failover (a few seconds, docs/benchmarks.md), well short of any client's patience.</summary>
    public static readonly TimeSpan RetryFor = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan FirstPause = TimeSpan.FromMilliseconds(100), LongestPause = TimeSpan.FromSeconds(1);

    public static bool IsSiloLost(Exception error) => error is SiloUnavailableException or OrleansMessageRejectionException
        || (error.InnerException is { } inner && IsSiloLost(inner));

    /// <summary>Runs <paramref name="call"/> again while it fails because a silo was lost, for at most <see cref="RetryFor"/>.</summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        for (var pause = FirstPause; ; pause = pause * 2 < LongestPause ? pause * 2 : LongestPause)
        {
            try
            {
                return await call();
            }
            catch (Exception error) when (IsSiloLost(error) && Stopwatch.GetElapsedTime(started) + pause < RetryFor)
            {
                await Task.Delay(pause, cancellationToken);
            }
        }
    }

    /// <summary>The endpoint filter: the handler of an idempotent request runs again while a silo is being failed over.</summary>
    public static ValueTask<object?> Filter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var method = context.HttpContext.Request.Method;
        return HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method)
            ? new ValueTask<object?>(RetryAsync(() => next(context).AsTask(), context.HttpContext.RequestAborted))
            : next(context);
    }
}
