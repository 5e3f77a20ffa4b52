using Microsoft.Extensions.DependencyInjection;
using Polly;
using Polly.Registry;
using Polly.Retry;

namespace Grassroots.Storage;

/// <summary>
/// The service's waits and retries below the grains, as Polly pipelines registered by name (<see cref="AddStorageRetries"/>
/// and the domain's own), so each retry is counted in Polly's metrics and logged by its telemetry (at information in the
/// silo: a retry is not a failure). Two shapes:
/// <list type="bullet">
/// <item><see cref="TransientPipeline"/>: a batch the database refused for a reason that passes (a deadlock, a serialization
/// failure, SQLite busy) is written again at once.</item>
/// <item><see cref="UntilDeadline"/>: a step that answers "not yet" (a writer shard held by another process, a silo that has
/// not confirmed a lock) is asked again after a pause until it answers "done" or a deadline passes.</item>
/// </list>
/// </summary>
public static class Retries
{
    public const string TransientPipeline = "storage-transient";
    public const string ShardWaitPipeline = "writer-shard-wait";

    /// <summary>Writes of a batch in all, the first included, before a transient error fails it.</summary>
    public const int TransientAttempts = 5;

    private static readonly ResiliencePropertyKey<DateTime> Deadline = new("grassroots.deadline");

    /// <summary>
    /// Retries a transient error at once. The pipeline runs only after a first write failed so (the caller writes once
    /// outside it: nearly every batch commits at once and need not pay for the pipeline), so it writes
    /// <see cref="TransientAttempts"/> - 1 times at most.
    /// </summary>
    public static void ConfigureTransient(ResiliencePipelineBuilder builder, Database database) => builder.AddRetry(new RetryStrategyOptions
    {
        ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } error && database.IsRetryable(error)),
        MaxRetryAttempts = TransientAttempts - 2,
        BackoffType = DelayBackoffType.Constant,
        Delay = TimeSpan.Zero,
    });

    /// <summary>Asks a step again after <paramref name="pause"/> while it answers false and its deadline (<see cref="RunUntilAsync"/>) has not passed.</summary>
    public static void UntilDeadline(ResiliencePipelineBuilder builder, TimeSpan pause) => builder.AddRetry(new RetryStrategyOptions
    {
        ShouldHandle = args => ValueTask.FromResult(args.Outcome is { Exception: null, Result: false }
            && DateTime.UtcNow <= args.Context.Properties.GetValue(Deadline, DateTime.MinValue)),
        MaxRetryAttempts = int.MaxValue,
        BackoffType = DelayBackoffType.Constant,
        Delay = pause,
    });

    /// <summary>The shard lease's wait at start: a shard held by another process is tried again every quarter of its retry interval.</summary>
    public static void ConfigureShardWait(ResiliencePipelineBuilder builder) => UntilDeadline(builder, ShardLease.RetryInterval / 4);

    public static IServiceCollection AddStorageRetries(this IServiceCollection services)
    {
        services.AddResiliencePipeline(TransientPipeline, (builder, context) =>
            ConfigureTransient(builder, context.ServiceProvider.GetRequiredService<Database>()));
        services.AddResiliencePipeline(ShardWaitPipeline, builder => ConfigureShardWait(builder));
        return services;
    }

    /// <summary>The pipeline registered as <paramref name="name"/>; one of its own, without telemetry, where there is none (a part made by hand in a test or a tool).</summary>
    public static ResiliencePipeline Pipeline(ResiliencePipelineProvider<string>? registered, string name, Action<ResiliencePipelineBuilder> configure)
    {
        if (registered is not null && registered.TryGetPipeline(name, out var pipeline)) return pipeline;
        var builder = new ResiliencePipelineBuilder();
        configure(builder);
        return builder.Build();
    }

    /// <summary>
    /// Runs <paramref name="step"/> until it answers true, as <paramref name="pipeline"/> (<see cref="UntilDeadline"/>)
    /// allows: false when it still answers false once <paramref name="deadline"/> (UTC) has passed. The operation key
    /// names what is waited for in Polly's logs and metrics.
    /// </summary>
    public static async Task<bool> RunUntilAsync<TState>(ResiliencePipeline pipeline, Func<TState, CancellationToken, ValueTask<bool>> step,
        TState state, DateTime deadline, string operationKey, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(operationKey, cancellationToken);
        context.Properties.Set(Deadline, deadline);
        try
        {
            return await pipeline.ExecuteAsync(static (context, s) => s.Step(s.State, context.CancellationToken), context, (Step: step, State: state))
                .ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
