using Grassroots.Domain.Model;

namespace Grassroots.Domain.Rollups;

/// <summary>What the talks naming an honoree add up to, per campaign and province of the talk.</summary>
public sealed class HonoreeTalkFigures
{
    private readonly Dictionary<(string Campaign, string Province), TalkFigures> _figures = [];

    public void Add(HonoreeProvince change) =>
        _figures[(change.CampaignId, change.Province)] = _figures.GetValueOrDefault((change.CampaignId, change.Province)) + change.Figures;

    /// <summary>Talks, audience and views of one campaign (or all), and the provinces where the honoree gave a talk.</summary>
    public HonoreeFigures Of(string? campaignId)
    {
        var byProvince = new Dictionary<string, TalkFigures>();
        foreach (var ((campaign, province), figures) in _figures)
        {
            if (campaignId is not null && campaign != campaignId) continue;
            byProvince[province] = byProvince.GetValueOrDefault(province) + figures;
        }
        var all = byProvince.Values.Aggregate(default(TalkFigures), (a, b) => a + b);
        return new HonoreeFigures(all.Talks, all.Audience, all.OnlineViews, byProvince.Values.Count(v => v.Talks > 0));
    }

    public static async Task<HonoreeTalkFigures> LoadAsync(string honoreeId, RollupStore.Snapshot snapshot)
    {
        var figures = new HonoreeTalkFigures();
        foreach (var change in await snapshot.HonoreeFiguresAsync(honoreeId)) figures.Add(change);
        return figures;
    }
}
