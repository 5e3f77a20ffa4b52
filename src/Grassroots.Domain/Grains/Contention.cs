namespace Grassroots.Domain.Grains;

/// <summary>
/// How grains retry after a write conflict, which means another activation of the same grain wrote first (a
/// membership change, or a request that reached another silo). The loser reloads before it can try again while the
/// winner commits from a warm copy, so immediate retries can lose a whole burst; a growing, jittered pause lets it through.
/// </summary>
internal static class Contention
{
    public const int Attempts = 10;

    /// <summary>
    /// Runs <paramref name="attempt"/> (which reloads a stale copy first) until it does not conflict. A conflict marks the
    /// grain's copy stale and pauses before the next attempt; an outage leaves the copy in doubt, so it is marked stale
    /// too, and the error goes to the caller.
    /// </summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> attempt, Action markStale)
    {
        for (var i = 1; ; i++)
        {
            try
            {
                return await attempt();
            }
            catch (WriteConflictException) when (i < Attempts)
            {
                markStale();
                await Task.Delay(Random.Shared.Next(1, 5 * i + 2));
            }
            catch (Exception error) when (error is ServiceUnavailableException or WriteConflictException)
            {
                markStale();
                throw;
            }
        }
    }
}
