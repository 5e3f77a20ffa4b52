using Grassroots.Domain.Model;
using Grassroots.Domain.Regions;

namespace Grassroots.Domain.Approvals;

/// <summary>
/// What a period's sign-off must fit, stated once for the API and the approval grain: the campaign exists, the period
/// is of the campaign's kind and lies in the campaign up to today, and the region signs off on the campaign's path.
/// Each failure is a <see cref="FieldValidationException"/> naming the field.
/// </summary>
public static class PeriodChecks
{
    /// <param name="submitter">Whether the region must be one that submits (for its own sign-off), not only a region to read.</param>
    public static ReportingPeriod Check(Campaign? campaign, string campaignId, RegionDirectory regions, string regionCode, string periodId,
        DateOnly today, bool submitter = true)
    {
        if (campaign is null) throw new FieldValidationException("campaignId", $"No campaign has the id '{campaignId}'.");
        if (!ReportingPeriod.TryParse(periodId, out var period))
            throw new FieldValidationException("period", "Must be a month written YYYY-MM or an ISO week written YYYY-Www, e.g. 2020-12 or 2020-W49.");
        if (period.Kind != campaign.ReportingPeriod)
            throw new FieldValidationException("period", campaign.ReportingPeriod == PeriodKinds.Month
                ? $"Campaign '{campaign.Id}' is signed off by month: write the period as YYYY-MM, e.g. {campaign.StartsOn:yyyy-MM}."
                : $"Campaign '{campaign.Id}' is signed off by week: write the period as YYYY-Www, e.g. {ReportingPeriod.Of(PeriodKinds.Week, campaign.StartsOn).Id}.");
        var last = campaign.EndsOn is { } ends && ends < today ? ends : today;
        if (period.End < campaign.StartsOn || period.Start > last)
            throw new FieldValidationException("period",
                $"{period.Id} is not a period of campaign '{campaign.Id}' ({campaign.StartsOn:yyyy-MM-dd} to {last:yyyy-MM-dd}, today at the latest).");
        if (submitter && !ApprovalLevels.Submits(regions, campaign.Path, regionCode))
            throw new FieldValidationException("regionCode",
                $"{regionCode} does not submit periods of campaign '{campaign.Id}': its approval path is {string.Join(" → ", campaign.Path)}, " +
                $"and {ApprovalLevels.LevelOf(regions, regionCode)} level regions {(campaign.Path.Contains(ApprovalLevels.LevelOf(regions, regionCode)) ? "only approve" : "take no part")}.");
        return period;
    }
}
