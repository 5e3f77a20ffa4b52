using System.Diagnostics;
using Grassroots.Domain;

namespace Grassroots.Silo.Telemetry;

/// <summary>
/// Every grain call runs in a log scope naming the grain, the branch (from a branch or record grain's key, else from the
/// request that caused the call) and the trace id, so a log record written during the call carries all three on any
/// silo. A call that fails is logged here too: refusals the caller is told about (validation, not found, conflicts) at
/// Debug, the database away or a silo lost mid-call (the request retries it) at Information, anything else as a warning.
/// </summary>
public sealed class GrainLogScope(ILogger<GrainLogScope> logger) : IIncomingGrainCallFilter
{
    private static readonly HashSet<string> BranchKeyed =
        [Constants.GrainTypes.Branch, Constants.GrainTypes.StudySession, Constants.GrainTypes.HonoreeTalk, Constants.GrainTypes.PublicityItem,
         Constants.GrainTypes.Competition];

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        var grain = context.TargetId;
        using var scope = logger.BeginScope("grain {GrainId} branch {BranchId} trace {TraceId}",
            grain.ToString(), BranchOf(grain), Activity.Current?.TraceId.ToHexString() ?? RequestContext.Get(RequestIds.TraceIdKey) as string);
        try
        {
            await context.Invoke();
        }
        catch (Exception error)
        {
            var level = error switch
            {
                FieldValidationException or NotFoundException or StateConflictException or WriteConflictException or WriteRefusedException
                    or Domain.SignOff.PeriodLockedException => LogLevel.Debug,
                ServiceUnavailableException => LogLevel.Information,
                // A silo lost mid-call: the request runs the call again (Failover/SiloFailover.cs), and only its final
                // failure, answered 503, is one.
                _ when Failover.SiloFailover.IsSiloLost(error) => LogLevel.Information,
                _ => LogLevel.Warning,
            };
            logger.Log(level, error, "{Method} of {GrainId} failed: {Message}", context.MethodName, grain.ToString(), error.Message);
            throw;
        }
    }

    private static string? BranchOf(GrainId grain)
    {
        if (!BranchKeyed.Contains(grain.Type.ToString()!)) return RequestContext.Get(RequestIds.BranchIdKey) as string;
        var key = grain.Key.ToString()!;
        return key.IndexOf('/', StringComparison.Ordinal) is var slash and >= 0 ? key[..slash] : key;
    }
}
