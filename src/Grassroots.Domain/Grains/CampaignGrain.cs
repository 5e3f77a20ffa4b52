using Grassroots.Domain.Caching;
using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Storage;
using Orleans.Runtime;

namespace Grassroots.Domain.Grains;

/// <summary>
/// A campaign's definition, kept as this grain's own Orleans state (docs/architecture.md, "State: grain state and facts": it belongs to no rollup). After each
/// write the grain also writes the campaigns table, a projection that lists campaigns and that report writers join.
/// </summary>
[GrainType(Constants.GrainTypes.Campaign)]
public sealed class CampaignGrain(
    [PersistentState(Constants.StateNames.Campaign, Constants.GrainStorage)] IPersistentState<CampaignState> state,
    CampaignProjection projection, PeriodApprovalProjection approvals, SiloCaches caches, TimeProvider clock) : Grain, ICampaignGrain
{
    public Task<Versioned<Campaign>?> GetAsync() => Task.FromResult(state.RecordExists ? state.State.Current : null);

    public async Task<Saved<Campaign>> PutAsync(Campaign campaign, string actor)
    {
        if (campaign.Id != this.GetPrimaryKeyString()) throw new FieldValidationException("campaignId", new Message(MessageKeys.CampaignIdMismatch));
        if (campaign.EndsOn < campaign.StartsOn) throw new FieldValidationException("endsOn", new Message(MessageKeys.EndsBeforeStarts));
        var before = state.RecordExists ? state.State.Current : null;
        if (before is not null && before.Value.Equals(campaign))
        {
            // Written again so that a projection lost to an outage after an earlier write catches up.
            await projection.WriteAsync(before, null, actor).Translated();
            return new Saved<Campaign>(PutResult.Unchanged, before);
        }
        if (Approvals.ApprovalLevels.Problem(campaign.Path) is { } path) throw new FieldValidationException("approvalPath", path);
        // Periods already signed off keep the meaning they were signed off under.
        if (before is not null && (before.Value.ReportingPeriod != campaign.ReportingPeriod || !before.Value.Path.SequenceEqual(campaign.Path))
            && await approvals.AnyLockedAsync(campaign.Id))
            throw new StateConflictException(new Message(MessageKeys.CampaignPeriodsLocked, campaign.Id));
        var now = clock.Now();
        var after = new Versioned<Campaign>(campaign, (before?.Version ?? 0) + 1, before?.CreatedAt ?? now, now);
        state.State = new CampaignState(after);
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception error)
        {
            DeactivateOnIdle(); // the next call reads what is stored, not what we hoped to store
            throw DomainErrors.Translate(error);
        }
        await projection.WriteAsync(after, before, actor).Translated();
        // Records are checked against each silo's copy of the campaign: every copy goes before the change is acknowledged.
        await caches.ForgetEverywhereAsync(CampaignDirectory.CacheKind, campaign.Id);
        return new Saved<Campaign>(before is null ? PutResult.Created : PutResult.Updated, after);
    }
}

/// <summary>The stored state: the campaign as last written, or null before the first PUT.</summary>
[GenerateSerializer, Alias("campaign-state")]
public sealed class CampaignState
{
    public CampaignState() { }

    public CampaignState(Versioned<Campaign> current) => Current = current;

    [Id(0)]
    public Versioned<Campaign>? Current { get; set; }
}
