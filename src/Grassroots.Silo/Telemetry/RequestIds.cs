using System.Diagnostics;

namespace Grassroots.Silo.Telemetry;

/// <summary>
/// Hands the trace id and branch of the request a grain call is made for to the call, through Orleans' request context,
/// so <see cref="GrainLogScope"/> can name them on whichever silo the grain runs. Set at the request's first grain call:
/// most requests (a new record, a rollup read) make none and pay nothing for it.
/// </summary>
public sealed class RequestIds(IHttpContextAccessor http) : IOutgoingGrainCallFilter
{
    public const string TraceIdKey = "grassroots.trace-id", BranchIdKey = "grassroots.branch-id";

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (http.HttpContext is { } request && RequestContext.Get(TraceIdKey) is null)
        {
            if (Activity.Current is { } activity) RequestContext.Set(TraceIdKey, activity.TraceId.ToHexString());
            if (request.GetRouteValue("branchId") is string branch) RequestContext.Set(BranchIdKey, branch);
        }
        return context.Invoke();
    }
}
