namespace Grassroots.TestSupport;

/// <summary>
/// Waits for something that will happen, without guessing how long it takes: reads again every few milliseconds until
/// the answer is the one expected, and fails with the last answer when it never comes. Rollup figures are eventually
/// consistent (they follow an acknowledged write within about a flush interval), and a busy machine may take longer.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>The first value read that satisfies <paramref name="done"/>.</summary>
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> done, string? what = null, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? Patience);
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"Waited {(patience ?? Patience).TotalSeconds:0} s for {what ?? "a condition"}; last read: {value}");
            await Task.Delay(20);
        }
    }

    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? patience = null) =>
        ReadAsync(condition, ok => ok, what, patience);

    /// <summary>Waits until <paramref name="read"/> answers <paramref name="expected"/>, then returns it.</summary>
    public static Task<T> EqualAsync<T>(T expected, Func<Task<T>> read, string? what = null, TimeSpan? patience = null) =>
        ReadAsync(read, value => EqualityComparer<T>.Default.Equals(value, expected), what ?? $"{expected}", patience);

    /// <summary>
    /// Waits until <paramref name="condition"/> holds, counting an exception as "not yet" (a silo or the database on its
    /// way back); fails with the last error when it never does.
    /// </summary>
    public static async Task ThroughErrorsAsync(Func<Task<bool>> condition, string what, TimeSpan? patience = null)
    {
        Exception? last = null;
        try
        {
            await TrueAsync(async () =>
            {
                try
                {
                    return await condition();
                }
                catch (Exception error) when (error is not Xunit.Sdk.XunitException)
                {
                    last = error;
                    return false;
                }
            }, what, patience);
        }
        catch (Xunit.Sdk.XunitException timeout) when (last is not null)
        {
            throw new Xunit.Sdk.XunitException($"{timeout.Message}; last error: {last.GetType().Name}: {last.Message}");
        }
    }
}
