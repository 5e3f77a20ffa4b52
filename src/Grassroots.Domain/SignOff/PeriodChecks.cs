using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Regions;

namespace Grassroots.Domain.SignOff;

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
        if (campaign is null) throw new FieldValidationException("campaignId", new Message(MessageKeys.NoCampaign, campaignId));
        if (!ReportingPeriod.TryParse(periodId, out var period))
            throw new FieldValidationException("period", new Message(MessageKeys.Period));
        if (period.Kind != campaign.ReportingPeriod)
            throw new FieldValidationException("period", campaign.ReportingPeriod == PeriodKinds.Month
                ? new Message(MessageKeys.PeriodByMonth, campaign.Id, campaign.StartsOn.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture))
                : new Message(MessageKeys.PeriodByWeek, campaign.Id, ReportingPeriod.Of(PeriodKinds.Week, campaign.StartsOn).Id));
        var last = campaign.EndsOn is { } ends && ends < today ? ends : today;
        if (period.End < campaign.StartsOn || period.Start > last)
            throw new FieldValidationException("period", new Message(MessageKeys.PeriodOutsideCampaign, period.Id, campaign.Id, campaign.StartsOn.Iso(), last.Iso()));
        if (submitter && !ApprovalLevels.Submits(regions, campaign.Path, regionCode))
            throw new FieldValidationException("regionCode", new Message(MessageKeys.RegionDoesNotSubmit, regionCode, campaign.Id,
                string.Join(" → ", campaign.Path), ApprovalLevels.LevelOf(regions, regionCode),
                new Message(campaign.Path.Contains(ApprovalLevels.LevelOf(regions, regionCode)) ? MessageKeys.ApprovalOnly : MessageKeys.ApprovalNoPart)));
        return period;
    }
}
