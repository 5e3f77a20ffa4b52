using Grassroots.Domain.Model;

namespace Grassroots.Domain.Approvals;

/// <summary>
/// A record dated in a period that is submitted or approved for a region above its branch cannot be created, corrected
/// or voided. → 409 naming the campaign, the period, the region and its state
/// </summary>
[GenerateSerializer, Alias("period-locked-error")]
public sealed class PeriodLockedException(string campaignId, string period, string regionCode, PeriodState state)
    : Exception($"Records of campaign '{campaignId}' dated in {period} are locked for region {regionCode}: the period is " +
        $"{state.ToString().ToLowerInvariant()}. It can be changed again once the period is returned or re-opened.")
{
    [Id(0)]
    public string CampaignId { get; } = campaignId;

    [Id(1)]
    public string Period { get; } = period;

    [Id(2)]
    public string RegionCode { get; } = regionCode;

    [Id(3)]
    public PeriodState State { get; } = state;
}
