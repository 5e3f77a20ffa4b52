namespace Grassroots.Domain;

/// <summary>Dates are China Standard Time (UTC+8, no daylight saving): "today" is the date in Beijing.</summary>
public static class ServiceClock
{
    public static readonly TimeSpan ChinaOffset = TimeSpan.FromHours(8);

    public static DateOnly Today(this TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().ToOffset(ChinaOffset).DateTime);
}
