using Orleans.Services;

namespace Grassroots.Domain.Caching;

// Keeps its namespace wherever the sign-off code lives: Orleans finds a grain service by its interface's full name,
// and during a rolling upgrade silos of both releases must find each other's.
/// <summary>One per silo: closes a period on that silo (<see cref="SignOff.PeriodLocks.CloseAsync"/>).</summary>
[Alias("period-lock-service")]
public interface IPeriodLockService : IGrainService
{
    [Alias("close")]
    Task CloseAsync(string campaignId, string period);
}
