using System.Globalization;

namespace Grassroots.Domain.Campaigns;

/// <summary>The kinds of reporting period a campaign's figures are signed off by.</summary>
public static class PeriodKinds
{
    public const string Week = "week", Month = "month";

    public static readonly string[] All = [Week, Month];
}

/// <summary>
/// One reporting period: a calendar month ("2020-12") or an ISO week, Monday to Sunday ("2020-W49"). The id says which,
/// so a lock on a month and one on a week never share a key, whatever a campaign's period kind is later changed to.
/// </summary>
public readonly record struct ReportingPeriod(string Kind, DateOnly Start)
{
    public DateOnly End => Kind == PeriodKinds.Month ? Start.AddMonths(1).AddDays(-1) : Start.AddDays(6);

    public string Id => Kind == PeriodKinds.Month
        ? Start.ToString("yyyy-MM", CultureInfo.InvariantCulture)
        : $"{ISOWeek.GetYear(Start.ToDateTime(TimeOnly.MinValue)):D4}-W{ISOWeek.GetWeekOfYear(Start.ToDateTime(TimeOnly.MinValue)):D2}";

    public bool Contains(DateOnly day) => day >= Start && day <= End;

    public ReportingPeriod Next => new(Kind, Kind == PeriodKinds.Month ? Start.AddMonths(1) : Start.AddDays(7));

    public override string ToString() => Id;

    /// <summary>The period of <paramref name="kind"/> that holds <paramref name="day"/>.</summary>
    public static ReportingPeriod Of(string kind, DateOnly day) => kind == PeriodKinds.Month
        ? new(kind, new DateOnly(day.Year, day.Month, 1))
        : new(kind, day.AddDays(-(((int)day.DayOfWeek + 6) % 7)));

    /// <summary>Both periods a day lies in, its month and its week: a record is locked when either is.</summary>
    public static (ReportingPeriod Month, ReportingPeriod Week) Containing(DateOnly day) => (Of(PeriodKinds.Month, day), Of(PeriodKinds.Week, day));

    /// <summary>The pattern of a period id, for the API's rules.</summary>
    public const string Pattern = "^[0-9]{4}-(?:0[1-9]|1[0-2]|W(?:0[1-9]|[1-4][0-9]|5[0-3]))$";

    private static readonly System.Text.RegularExpressions.Regex Exact = new(Pattern[..^1] + @"\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>Reads "2020-12" or "2020-W49"; false for anything else, a week 53 of a year without one included.</summary>
    public static bool TryParse(string? id, out ReportingPeriod period)
    {
        period = default;
        if (id is null || !Exact.IsMatch(id)) return false;
        var year = int.Parse(id.AsSpan(0, 4), CultureInfo.InvariantCulture);
        if (year < 2000) return false;
        if (id[5] != 'W')
        {
            period = new(PeriodKinds.Month, new DateOnly(year, int.Parse(id.AsSpan(5, 2), CultureInfo.InvariantCulture), 1));
            return true;
        }
        var week = int.Parse(id.AsSpan(6, 2), CultureInfo.InvariantCulture);
        if (week > ISOWeek.GetWeeksInYear(year)) return false;
        period = new(PeriodKinds.Week, DateOnly.FromDateTime(ISOWeek.ToDateTime(year, week, DayOfWeek.Monday)));
        return true;
    }

    /// <summary>The periods of a campaign, from the one its first day is in to the one holding its last day or today.</summary>
    public static IEnumerable<ReportingPeriod> Of(Campaign campaign, DateOnly today)
    {
        var last = campaign.EndsOn is { } ends && ends < today ? ends : today;
        for (var period = Of(campaign.ReportingPeriod, campaign.StartsOn); period.Start <= last; period = period.Next) yield return period;
    }
}
