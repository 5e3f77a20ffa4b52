using System.Text.Json;
using Grassroots.Domain.Branches;
using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Honorees;
using Grassroots.Domain.Records;
using Grassroots.Domain.Regions;
using Microsoft.Extensions.Options;

namespace Grassroots.Silo.Hosting;

/// <summary>
/// On first start with Demo:Load on, loads the campaign that began 2020-11-24, the honorees and headquarters
/// sessions from the source documents, Qinghai's talks and publicity, and a generated spread of branches and
/// records in every province (fixed random seed) so the figures are not empty. Goes through the grains like
/// any client, so rollups and the change log are exactly as if the data had been logged over the API. /readyz stays
/// unready until it is done (<see cref="IsDone"/>), so a newcomer never watches the figures grow.
/// </summary>
public sealed class DemoDataLoader(IOptions<DemoOptions> options, IGrainFactory grains, RegionDirectory regions,
    ILogger<DemoDataLoader> logger) : BackgroundService
{
    public const string CampaignId = "2020-model-workers";
    private const string Actor = "demo-loader";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private volatile bool _done = !options.Value.Load;

    /// <summary>Whether the demo data is there (or not asked for): until then /readyz answers 503.</summary>
    public bool IsDone => _done;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_done) return;
        await LoadAsync(stoppingToken);
        _done = true;
    }

    private async Task LoadAsync(CancellationToken stoppingToken)
    {
        if (await grains.GetGrain<ICampaignGrain>(CampaignId).GetAsync() is not null) return;
        logger.LogInformation("Loading demo data (first start; switch off with Demo:Load=false)…");

        var campaign = Read<CampaignSeed>("campaign.json");
        await grains.GetGrain<ICampaignGrain>(CampaignId).PutAsync(
            new Campaign(CampaignId, campaign.Title, campaign.StartsOn, campaign.EndsOn, campaign.Description), Actor);
        foreach (var h in Read<List<HonoreeSeed>>("honorees.json"))
            await grains.GetGrain<IHonoreeGrain>(h.Id).PutAsync(
                new HonoreeProfile(h.Name, h.Gender, h.Ethnicity, h.Title, h.HonoredYear, h.Employer, h.ProvinceCode), Actor);

        var hq = Read<HqSeed>("hq-sessions.json");
        foreach (var b in hq.Branches)
            await grains.GetGrain<IBranchGrain>(b.Id).PutAsync(new BranchProfile(b.Name, b.RegionCode, "全总机关", b.MemberCount, b.Kind), Actor);
        foreach (var s in hq.Sessions)
            await grains.GetGrain<IStudySessionGrain>($"{s.BranchId}/{s.Id}").PutAsync(new StudySession(CampaignId, s.Title, s.HeldOn,
                s.Format, s.Kind, new Attendance(s.Attendees.Total, s.Attendees.Frontline, s.Attendees.Youth, s.Attendees.Women), null, s.Notes), Actor);

        const string qinghai = "qh-ftu";
        await grains.GetGrain<IBranchGrain>(qinghai).PutAsync(new BranchProfile("青海省总工会机关工会", "630102", "工会机关", 120, "agency"), Actor);
        var qh = Read<QinghaiSeed>("qinghai.json");
        foreach (var t in qh.Talks)
            await grains.GetGrain<IHonoreeTalkGrain>($"{qinghai}/{t.Id}").PutAsync(new HonoreeTalk(CampaignId,
                [.. t.HonoreeIds.Distinct().Order(StringComparer.Ordinal)], t.Title, t.HeldOn, t.Venue, t.Format, t.Audience, t.OnlineViews), Actor);
        foreach (var p in qh.Publicity)
            await grains.GetGrain<IPublicityItemGrain>($"{qinghai}/{p.Id}").PutAsync(
                new PublicityItem(CampaignId, p.Channel, p.Outlet, p.Title, null, p.PublishedOn, p.Reach), Actor);

        await GenerateSpreadAsync(campaign, stoppingToken);
        logger.LogInformation("Demo data loaded");
    }

    /// <summary>Four counties per province, three branches per county, most of them logging a few records, some a competition.</summary>
    private async Task GenerateSpreadAsync(CampaignSeed campaign, CancellationToken stoppingToken)
    {
        var random = new Random(20201124);
        // Competitions drawn from a sequence of their own, so the other records stay as earlier releases generated them.
        var contests = new Random(20201125);
        (string Kind, string Title)[] competitions =
            [("labour", "岗位建功劳动竞赛"), ("skills", "职工岗位练兵技能比武"), ("innovation", "职工技术创新成果评选")];
        var provinces = regions.Children(RegionDirectory.National);
        var days = campaign.EndsOn!.Value.DayNumber - campaign.StartsOn.DayNumber;
        string[] kinds = ["group-study", "symposium", "lecture", "team-study", "contest"];
        string[] sectors = ["制造业", "交通运输", "能源", "教育", "卫生", "建筑业", "信息技术"];
        var done = 0;
        foreach (var province in provinces)
        {
            var counties = Leaves(province.Code).OrderBy(_ => random.Next()).Take(4).ToList();
            foreach (var county in counties)
            for (var n = 1; n <= 3; n++)
            {
                stoppingToken.ThrowIfCancellationRequested();
                var branchId = $"demo-{county.Code}-{n}";
                await grains.GetGrain<IBranchGrain>(branchId).PutAsync(new BranchProfile($"{county.Name}第{n}基层工会", county.Code,
                    sectors[random.Next(sectors.Length)], random.Next(30, 3000), n == 3 ? "institution" : "enterprise"), Actor);
                if (random.NextDouble() < 0.2) continue; // not every branch has reported yet
                for (var s = 1; s <= random.Next(1, 5); s++)
                {
                    var total = random.Next(10, 300);
                    await grains.GetGrain<IStudySessionGrain>($"{branchId}/s{s}").PutAsync(new StudySession(CampaignId,
                        "学习全国劳模表彰大会重要讲话精神", campaign.StartsOn.AddDays(random.Next(days)), "offline", kinds[random.Next(kinds.Length)],
                        new Attendance(total, total * random.Next(30, 90) / 100, total * random.Next(10, 50) / 100, total * random.Next(10, 60) / 100),
                        null, null), Actor);
                }
                if (random.NextDouble() < 0.5)
                    await grains.GetGrain<IPublicityItemGrain>($"{branchId}/p1").PutAsync(new PublicityItem(CampaignId, "wechat",
                        $"{county.Name}总工会微信公众号", "我们身边的劳模", null, campaign.StartsOn.AddDays(random.Next(days)), random.Next(100, 20000)), Actor);
                if (contests.NextDouble() < 0.3)
                {
                    var (kind, title) = competitions[contests.Next(competitions.Length)];
                    var starts = campaign.StartsOn.AddDays(contests.Next(days));
                    var participants = contests.Next(20, 400);
                    await grains.GetGrain<ICompetitionGrain>($"{branchId}/k1").PutAsync(new Competition(CampaignId, title, kind, starts,
                        starts.AddDays(contests.Next(1, 30)), new Attendance(participants, participants * contests.Next(50, 95) / 100, null, null),
                        participants * contests.Next(3, 15) / 100, null), Actor);
                }
                if (++done % 100 == 0) logger.LogInformation("Demo data: {Count} generated branches so far", done);
            }
        }
    }

    private IEnumerable<Region> Leaves(string code) =>
        regions.Children(code).SelectMany(c => regions.IsLeaf(c.Code) ? [c] : Leaves(c.Code));

    private static T Read<T>(string name)
    {
        using var stream = typeof(ReferenceDataLoader).Assembly.GetManifestResourceStream($"seeds/demo/{name}")
            ?? throw new InvalidOperationException($"Demo seed {name} is missing from the assembly.");
        return JsonSerializer.Deserialize<T>(stream, Json) ?? throw new InvalidOperationException($"Demo seed {name} is empty.");
    }

    private sealed record CampaignSeed(string Title, DateOnly StartsOn, DateOnly? EndsOn, string? Description);
    private sealed record HonoreeSeed(string Id, string Name, string? Gender, string? Ethnicity, string Title, int? HonoredYear, string? Employer, string ProvinceCode);
    private sealed record BranchSeed(string Id, string Name, string RegionCode, string? Kind, int MemberCount);
    private sealed record AttendeesSeed(int Total, int? Frontline, int? Youth, int? Women);
    private sealed record SessionSeed(string BranchId, string Id, string Title, DateOnly HeldOn, string Format, string? Kind, AttendeesSeed Attendees, string? Notes);
    private sealed record HqSeed(List<BranchSeed> Branches, List<SessionSeed> Sessions);
    private sealed record TalkSeed(string Id, string? Title, DateOnly HeldOn, string Venue, string Format, int Audience, int? OnlineViews, List<string> HonoreeIds);
    private sealed record PublicitySeed(string Id, string Channel, string Outlet, string Title, DateOnly PublishedOn, int? Reach);
    private sealed record QinghaiSeed(List<TalkSeed> Talks, List<PublicitySeed> Publicity);
}
