using Grassroots.Domain.Branches;
using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Honorees;
using Grassroots.Domain.Model;
using Grassroots.Domain.Records;
using Grassroots.Domain.Rollups;
using Grassroots.Domain.Tests.Support;
using Grassroots.Silo.Security;
using Grassroots.Storage;

namespace Grassroots.Domain.Tests;

/// <summary>
/// Every method of every grain interface, called through the cluster client so that its arguments, results and errors
/// are serialized: Orleans finds a missing serializer only when a message needs it.
/// </summary>
public sealed class GrainContractTests
{
    private static readonly DateOnly Day = new(2020, 12, 4);

    [Theory, InlineData(StorageProvider.Sqlite, 1), PostgresData(2)]
    public async Task EveryGrainMethodAnswersThroughTheClient(StorageProvider provider, int silos)
    {
        await using var cluster = await GrainCluster.StartAsync(provider, silos);
        var grains = cluster.Client;

        var campaign = grains.GetGrain<ICampaignGrain>("c1");
        Assert.Null(await campaign.GetAsync());
        var savedCampaign = await campaign.PutAsync(new Campaign("c1", "学习劳模精神", new(2020, 11, 24), new(2021, 12, 31), "全国"), "test");
        Assert.Equal(PutResult.Created, savedCampaign.Result);
        Assert.Equal(savedCampaign.Entity, await campaign.GetAsync());

        var branch = grains.GetGrain<IBranchGrain>("b1");
        var savedBranch = await branch.PutAsync(new BranchProfile("西宁某公司工会", "630102", "制造业", 120, "enterprise"), "test");
        Assert.Equal(PutResult.Created, savedBranch.Result);
        Assert.Equal(savedBranch.Entity, await branch.GetAsync());
        Assert.Equal("test", savedBranch.Entity.CreatedBy);

        var honoree = grains.GetGrain<IHonoreeGrain>("h1");
        var savedHonoree = await honoree.PutAsync(new HonoreeProfile("李某", "female", "藏族", "national-model-worker", 2020, "青海某厂", "630000"), "test");
        Assert.Equal(savedHonoree.Entity, await honoree.GetAsync());

        var session = await grains.GetGrain<IStudySessionGrain>("b1/s1").PutAsync(
            new StudySession("c1", "集中学习", Day, "offline", "group-study", new Attendance(45, 30, 12, 20), 7, "第一次"), "test");
        var talk = await grains.GetGrain<IHonoreeTalkGrain>("b1/t1").PutAsync(
            new HonoreeTalk("c1", ["h1"], "劳模进企业", Day, "enterprise", "onsite", 200, 1000), "test");
        var item = await grains.GetGrain<IPublicityItemGrain>("b1/p1").PutAsync(
            new PublicityItem("c1", "newspaper", "青海日报", "劳模精神进班组", "https://example.org/a", Day, 5000), "test");
        Assert.All(new[] { session, talk, item }, saved => Assert.Equal(PutResult.Created, saved.Result));
        Assert.Equal(talk.Record, await grains.GetGrain<IHonoreeTalkGrain>("b1/t1").GetAsync());
        Assert.Equal(item.Record, await grains.GetGrain<IPublicityItemGrain>("b1/p1").GetAsync());
        var voided = await grains.GetGrain<IStudySessionGrain>("b1/s1").VoidAsync("重复", "test");
        Assert.True(voided.Voided);
        Assert.Equal(voided, await grains.GetGrain<IStudySessionGrain>("b1/s1").GetAsync());

        // The same PUT again changes nothing, on a fresh activation too (the row is found when it is inserted again).
        var again = new PublicityItem("c1", "wechat", "青海工会", "宣讲", null, Day, 10);
        Assert.Equal(PutResult.Created, (await grains.GetGrain<IPublicityItemGrain>("b1/p2").PutAsync(again, "test")).Result);
        await cluster.DeactivateAsync(grains.GetGrain<IPublicityItemGrain>("b1/p2"));
        Assert.Equal(PutResult.Unchanged, (await grains.GetGrain<IPublicityItemGrain>("b1/p2").PutAsync(again, "test")).Result);

        var totals = await branch.GetTotalsAsync("c1", null, null);
        Assert.Equal((0, 1, 200, 2, 5010, 1, 1), (totals.StudySessions, totals.HonoreeTalks, totals.TalkAudience, totals.PublicityItems,
            totals.PublicityReach, totals.ActiveBranches, totals.RegisteredBranches));
        // Every silo holds the figures of every silo's writes (a batch crosses to the other silo serialized).
        for (var i = 0; i < silos; i++)
        {
            var replica = cluster.SiloService<RollupReplica>(i);
            await Eventually.EqualAsync(new HonoreeFigures(1, 200, 1000, 1), async () => await replica.GetHonoreeAsync("h1", "c1"));
            await Eventually.EqualAsync(totals, async () => await replica.GetTotalsAsync(Constants.National, "c1", null, null), "the national figures");
            var view = await replica.GetRollupAsync(Constants.National, "c1", null, null);
            Assert.Equal(totals with { RegisteredBranches = 1 }, view.Totals);
            Assert.Equal(31, view.Children.Count);
            var series = await replica.GetSeriesAsync(Constants.National, "c1", SeriesInterval.Week, new(2020, 11, 30), new(2020, 12, 13));
            Assert.Equal([new DateOnly(2020, 11, 30), new DateOnly(2020, 12, 7)], series.Select(p => p.Start));
            Assert.Equal(2, series[0].Totals.PublicityItems);
            // Loaded again from the database, the figures are what they were.
            replica.RequestReload("a test");
            await replica.ReloadedAsync();
            var reloaded = await replica.GetRollupAsync(Constants.National, "c1", null, null);
            Assert.Equal(view.Totals, reloaded.Totals);
            Assert.Equal(view.Children, reloaded.Children);
        }

        var keys = cluster.SiloService<ApiKeyStore>();
        var issued = await keys.CreateAsync(Roles.Branch, "b1", "西宁某公司工会", "test");
        var key = grains.GetGrain<IApiKeyGrain>(issued.Record.KeyId);
        Assert.Equal(issued.Record, await key.GetAsync());
        var secret = ApiKeySecret.Parse(issued.Key)!.Secret;
        var secretHash = ApiKeySecret.Hash(secret);
        Assert.Equal(issued.Record, (await key.GetCredentialAsync())!.Check(secret));
        Assert.Null((await key.GetCredentialAsync())!.Check("a guess"));
        Assert.Null((await key.GetCredentialAsync())!.Check(secretHash)); // the stored hash is no key
        Assert.Equal(Revocation.Revoked, await key.RevokeAsync("test"));
        Assert.Null((await key.GetCredentialAsync())!.Check(secret));
        Assert.Null(await keys.AuthenticateAsync(issued.Key)); // every silo forgot the key when it was revoked
        await Assert.ThrowsAsync<StateConflictException>(() => key.CreateAsync(new ApiKeyDraft(Roles.Hq, "CN", "again", secretHash, "test")));
    }

    [Theory, InlineData(StorageProvider.Sqlite, 1), PostgresData(2)]
    public async Task DomainErrorsReachTheCallerWithTheirDetails(StorageProvider provider, int silos)
    {
        await using var cluster = await GrainCluster.StartAsync(provider, silos);
        var grains = cluster.Client;
        await grains.GetGrain<ICampaignGrain>("c1").PutAsync(new Campaign("c1", "学习", new(2020, 11, 24), null, null), "test");

        var unknownBranch = await Assert.ThrowsAsync<FieldValidationException>(() => grains.GetGrain<IStudySessionGrain>("nobody/s1")
            .PutAsync(new StudySession("c1", "学习", Day, "offline", null, new Attendance(5, null, null, null), null, null), "test"));
        Assert.Equal("branchId", unknownBranch.Field);
        Assert.Contains("nobody", unknownBranch.Message);

        await grains.GetGrain<IBranchGrain>("b1").PutAsync(new BranchProfile("工会", "630102", null, 10, null), "test");
        var tooEarly = await Assert.ThrowsAsync<FieldValidationException>(() => grains.GetGrain<IPublicityItemGrain>("b1/p1")
            .PutAsync(new PublicityItem("c1", "tv", "青海电视台", "宣讲", null, new(2019, 1, 1), null), "test"));
        Assert.Equal("publishedOn", tooEarly.Field);
        await Assert.ThrowsAsync<NotFoundException>(() => grains.GetGrain<IHonoreeTalkGrain>("b1/none").VoidAsync("why", "test"));
        var badRegion = await Assert.ThrowsAsync<FieldValidationException>(() =>
            grains.GetGrain<IBranchGrain>("b2").PutAsync(new BranchProfile("工会", "630000", null, 10, null), "test"));
        Assert.Equal("regionCode", badRegion.Field);
    }
}
