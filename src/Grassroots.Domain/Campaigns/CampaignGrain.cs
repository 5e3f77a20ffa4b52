using Grassroots.Domain.Caching;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;

namespace Grassroots.Domain.Campaigns;

/// <summary>
/// A campaign's definition. Its one stored copy is its row of the campaigns table (docs/architecture.md, "State: grain
/// state and facts"), which listings and reports read as well: the grain loads the row on activation and writes it, with
/// the change-log entry, in one transaction.
/// </summary>
[GrainType(Constants.GrainTypes.Campaign)]
public sealed class CampaignGrain(CampaignTable table, ICampaignPeriodLocks periodLocks, SiloCaches caches, UpgradeWindow upgrade, TimeProvider clock)
    : Grain, ICampaignGrain
{
    private Versioned<Campaign>? _current;

    public override async Task OnActivateAsync(CancellationToken cancellationToken) =>
        _current = await table.LoadAsync(this.GetPrimaryKeyString(), cancellationToken);

    public Task<Versioned<Campaign>?> GetAsync() => Task.FromResult(_current);

    public async Task<Saved<Campaign>> PutAsync(Campaign campaign, string actor)
    {
        if (campaign.Id != this.GetPrimaryKeyString()) throw new FieldValidationException("campaignId", new Message(MessageKeys.CampaignIdMismatch));
        if (campaign.EndsOn < campaign.StartsOn) throw new FieldValidationException("endsOn", new Message(MessageKeys.EndsBeforeStarts));
        var before = _current;
        if (before is not null && before.Value.Equals(campaign)) return new Saved<Campaign>(PutResult.Unchanged, before);
        if (Campaigns.ApprovalLevels.Problem(campaign.Path) is { } path) throw new FieldValidationException("approvalPath", path);
        // Periods already signed off keep the meaning they were signed off under.
        if (before is not null && (before.Value.ReportingPeriod != campaign.ReportingPeriod || !before.Value.Path.SequenceEqual(campaign.Path))
            && await periodLocks.AnyLockedAsync(campaign.Id))
            throw new StateConflictException(new Message(MessageKeys.CampaignPeriodsLocked, campaign.Id));
        upgrade.EnsureAllSilosStoreRows(typeof(ICampaignGrain), $"A change of campaign {campaign.Id}");
        var now = clock.Now();
        var after = new Versioned<Campaign>(campaign, (before?.Version ?? 0) + 1, before?.CreatedAt ?? now, now);
        try
        {
            await table.WriteAsync(after, before, actor);
        }
        catch (Exception error)
        {
            DeactivateOnIdle(); // the next call reads what is stored, not what we hoped to store
            throw DomainErrors.Translate(error);
        }
        _current = after;
        // Records are checked against each silo's copy of the campaign: every copy goes before the change is acknowledged.
        await caches.ForgetEverywhereAsync(CampaignDirectory.CacheKind, campaign.Id);
        return new Saved<Campaign>(before is null ? PutResult.Created : PutResult.Updated, after);
    }
}
