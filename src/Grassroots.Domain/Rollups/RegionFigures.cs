using Grassroots.Domain.Model;

namespace Grassroots.Domain.Rollups;

/// <summary>
/// What a region grain holds: per node — the region itself or one of its children — and campaign, the figures of every
/// day in date order and their running total, and the node's registered branches. A change to a child is a change to
/// the region too.
/// </summary>
public sealed class RegionFigures(string self)
{
    private readonly Dictionary<(string Node, string Campaign), CampaignFigures> _campaigns = [];
    private readonly Dictionary<string, long> _registered = [];

    public void Add(string node, string campaignId, DateOnly day, Figures figures)
    {
        AddTo(node, campaignId, day, figures);
        if (node != self) AddTo(self, campaignId, day, figures);
    }

    public void AddRegistered(string node, long delta)
    {
        _registered[node] = _registered.GetValueOrDefault(node) + delta;
        if (node != self) _registered[self] = _registered.GetValueOrDefault(self) + delta;
    }

    public long Registered(string node) => _registered.GetValueOrDefault(node);

    /// <summary>The campaign's figures over all its days.</summary>
    public Figures Total(string node, string campaignId) =>
        _campaigns.TryGetValue((node, campaignId), out var campaign) ? campaign.Total : Figures.Zero;

    /// <summary>The campaign's days that hold figures, in date order.</summary>
    public IEnumerable<KeyValuePair<DateOnly, Figures>> Days(string node, string campaignId) =>
        _campaigns.TryGetValue((node, campaignId), out var campaign) ? campaign.Days : [];

    private void AddTo(string node, string campaignId, DateOnly day, Figures figures)
    {
        if (!_campaigns.TryGetValue((node, campaignId), out var campaign)) _campaigns[(node, campaignId)] = campaign = new CampaignFigures();
        var sum = campaign.Days.GetValueOrDefault(day) + figures;
        if (sum.IsZero) campaign.Days.Remove(day);
        else campaign.Days[day] = sum;
        campaign.Total += figures;
    }

    private sealed class CampaignFigures
    {
        public SortedDictionary<DateOnly, Figures> Days { get; } = [];
        public Figures Total { get; set; }
    }
}
