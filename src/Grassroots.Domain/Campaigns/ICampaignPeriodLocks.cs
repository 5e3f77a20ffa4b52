namespace Grassroots.Domain.Campaigns;

/// <summary>
/// What a campaign needs to know of its sign-off: whether any of its periods is submitted or approved, so that a change
/// of its reporting period or approval path does not change the meaning of figures already signed off. The sign-off
/// feature answers it (its period table); the campaign does not depend on sign-off for it.
/// </summary>
public interface ICampaignPeriodLocks
{
    Task<bool> AnyLockedAsync(string campaignId);
}
