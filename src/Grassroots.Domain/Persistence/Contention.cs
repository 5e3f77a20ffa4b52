using Microsoft.Extensions.DependencyInjection;
using Polly;
using Polly.Registry;
using Polly.Retry;

namespace Grassroots.Domain.Persistence;

/// <summary>
/// How grains retry after a write conflict, which means another activation of the same grain wrote first (a
/// membership change, or a request that reached another silo). The loser reloads before it can try again while the
/// winner commits from a warm copy, so immediate retries can lose a whole burst; a growing, jittered pause lets it through.
/// One Polly pipeline (<see cref="PipelineName"/>), registered with the grains' services, so its retries are counted
/// and logged by Polly's telemetry.
/// </summary>
public static class Contention
{
    public const string PipelineName = "contention";

    /// <summary>Tries in all, the first included.</summary>
    public const int Attempts = 10;

    /// <summary>The pipeline: conflicts are tried again after 3, 6, 9… ms, each jittered; anything else goes to the caller.</summary>
    public static void Configure(ResiliencePipelineBuilder builder) => builder.AddRetry(new RetryStrategyOptions
    {
        ShouldHandle = new PredicateBuilder().Handle<WriteConflictException>(),
        MaxRetryAttempts = Attempts - 1,
        BackoffType = DelayBackoffType.Linear,
        Delay = TimeSpan.FromMilliseconds(3),
        UseJitter = true,
    });

    public static IServiceCollection AddContention(this IServiceCollection services) =>
        services.AddResiliencePipeline(PipelineName, builder => Configure(builder));

    private static readonly ResiliencePipeline Unregistered = new ResiliencePipelineBuilder().Apply(Configure).Build();

    /// <summary>
    /// Runs <paramref name="attempt"/> (which reloads a stale copy first) until it does not conflict. A conflict marks the
    /// grain's copy stale before the next attempt; an outage leaves the copy in doubt, so it is marked stale too, and the
    /// error goes to the caller.
    /// </summary>
    internal static async Task<T> RetryAsync<T>(IServiceProvider services, Func<Task<T>> attempt, Action markStale) =>
        await Pipeline(services).ExecuteAsync(async _ =>
        {
            try
            {
                return await attempt();
            }
            catch (Exception error) when (error is ServiceUnavailableException or WriteConflictException)
            {
                markStale();
                throw;
            }
        });

    /// <summary>The pipeline registered with the grain's services; one of its own where there is none (a grain made by hand in a test).</summary>
    private static ResiliencePipeline Pipeline(IServiceProvider? services) =>
        services?.GetService<ResiliencePipelineProvider<string>>()?.GetPipeline(PipelineName) ?? Unregistered;

    private static ResiliencePipelineBuilder Apply(this ResiliencePipelineBuilder builder, Action<ResiliencePipelineBuilder> configure)
    {
        configure(builder);
        return builder;
    }
}
