namespace Grassroots.Domain.SignOff;

/// <summary>
/// A record dated in a period that is submitted or approved for a region above its branch cannot be created, corrected
/// or voided. → 409 naming the campaign, the period, the region and its state
/// </summary>
[GenerateSerializer, Alias("period-locked-error")]
public sealed class PeriodLockedException(string campaignId, string period, string regionCode, PeriodState state)
    : DomainException(new Message(MessageKeys.PeriodLocked, campaignId, period, regionCode, state.Said()))
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
