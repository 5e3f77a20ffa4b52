namespace Grassroots.Domain.Grains;

/// <summary>
/// How grains retry after a version conflict, which means another silo holds the same grain (failover, or a
/// request that reached another silo). The loser reloads before it can try again while the winner commits
/// from a warm cache, so immediate retries can lose a whole burst; a growing, jittered pause lets it through.
/// </summary>
internal static class Contention
{
    public const int Attempts = 10;

    public static Task BackoffAsync(int attempt) => Task.Delay(Random.Shared.Next(1, 5 * attempt + 2));
}
