namespace Grassroots.ClusterDrills;

public static class Wait
{
    /// <summary>
    /// Polls <paramref name="condition"/> every 100 ms until it holds; an exception counts as "not yet" (a silo or the
    /// database may be on its way back) until <paramref name="limit"/> has passed.
    /// </summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan limit, string what)
    {
        var deadline = DateTime.UtcNow + limit;
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
                // not yet
            }
            if (DateTime.UtcNow >= deadline) throw new TimeoutException($"Waited {limit.TotalSeconds:0} s for {what}.");
            await Task.Delay(100);
        }
    }
}
