using Grassroots.Domain;
using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Regions;
using Grassroots.Domain.SignOff;

namespace Grassroots.Silo.Apis;

/// <summary>
/// A write refused because its period is signed off (409): besides the title, the problem names the lock in fields a
/// client can show in its own words — campaignId, period (e.g. "2020-12"), periodStart and periodEnd, regionCode,
/// regionName and state (submitted or approved).
/// </summary>
public static class PeriodLockProblem
{
    public static void Describe(Microsoft.AspNetCore.Mvc.ProblemDetails details, PeriodLockedException locked, IServiceProvider services)
    {
        var region = services.GetService<RegionDirectory>()?.Find(locked.RegionCode);
        details.Detail = new Message(MessageKeys.PeriodLockedDetail, locked.Period, locked.State.Said(), region?.Name ?? locked.RegionCode, locked.RegionCode)
            .InCurrentCulture();
        details.Extensions["campaignId"] = locked.CampaignId;
        details.Extensions["period"] = locked.Period;
        if (ReportingPeriod.TryParse(locked.Period, out var period))
        {
            details.Extensions["periodStart"] = period.Start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            details.Extensions["periodEnd"] = period.End.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        }
        details.Extensions["regionCode"] = locked.RegionCode;
        details.Extensions["regionName"] = region?.Name;
        details.Extensions["state"] = locked.State.Name();
    }
}
