namespace Grassroots.Domain;

/// <summary>Dates are China Standard Time (UTC+8, no daylight saving): "today" is the date in Beijing.</summary>
public static class ServiceClock
{
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    /// <summary>Now, cut to whole microseconds: what PostgreSQL stores, so a reloaded timestamp equals the one returned.</summary>
    public static DateTimeOffset Now(this TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        return now.AddTicks(-(now.Ticks % 10));
    }

    public static DateOnly Today(this TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(ChinaOffset).DateTime);
}
