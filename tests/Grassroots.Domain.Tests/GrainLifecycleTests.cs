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

/// <summary>What grains hold survives their deactivation and the restart of every silo; reads do not queue behind writes.</summary>
public sealed class GrainLifecycleTests
{
    private static readonly DateOnly Day = new(2020, 12, 4);

    [Theory, InlineData(StorageProvider.Sqlite, 1), PostgresData(2)]
    public async Task StateAndFiguresSurviveDeactivationAndASiloRestart(StorageProvider provider, int silos)
    {
        await using var cluster = await GrainCluster.StartAsync(provider, silos);
        var grains = cluster.Client;
        var campaign = await grains.GetGrain<ICampaignGrain>("c1").PutAsync(new Campaign("c1", "学习", new(2020, 11, 24), null, "全国"), "test");
        await grains.GetGrain<IBranchGrain>("b1").PutAsync(new BranchProfile("工会", "630102", null, 50, "enterprise"), "test");
        await grains.GetGrain<IHonoreeGrain>("h1").PutAsync(new HonoreeProfile("劳模", null, null, "national-model-worker", 2020, null, "630000"), "test");
        await grains.GetGrain<IStudySessionGrain>("b1/s1").PutAsync(
            new StudySession("c1", "学习", Day, "offline", null, new Attendance(40, 10, 5, 20), null, null), "test");
        await grains.GetGrain<IHonoreeTalkGrain>("b1/t1").PutAsync(new HonoreeTalk("c1", ["h1"], null, Day, "school", "onsite", 300, null), "test");
        var keys = cluster.SiloService<ApiKeyStore>();
        var live = await keys.CreateAsync(Roles.Hq, "CN", "live", "test");
        var revoked = await keys.CreateAsync(Roles.Hq, "CN", "revoked", "test");
        await keys.RevokeAsync(revoked.Record.KeyId, "test");
        await Eventually.ReadAsync(async () => await cluster.SiloService<RollupReplica>().GetTotalsAsync(Constants.National, "c1", null, null),
            t => t.StudySessions == 1 && t.HonoreeTalks == 1, "the national figures");
        await Eventually.ReadAsync(async () => await cluster.SiloService<RollupReplica>().GetHonoreeAsync("h1", "c1"), f => f.Talks == 1, "the honoree's figures");

        var before = await ReadEverythingAsync(cluster, live, revoked);
        foreach (var grain in new IGrain[]
                 {
                     grains.GetGrain<ICampaignGrain>("c1"), grains.GetGrain<IBranchGrain>("b1"), grains.GetGrain<IHonoreeGrain>("h1"),
                     grains.GetGrain<IStudySessionGrain>("b1/s1"),
                     grains.GetGrain<IApiKeyGrain>(live.Record.KeyId), grains.GetGrain<IApiKeyGrain>(revoked.Record.KeyId),
                 })
            await cluster.DeactivateAsync(grain);
        Assert.Equal(before, await ReadEverythingAsync(cluster, live, revoked));

        await cluster.RestartAsync();
        grains = cluster.Client;
        Assert.Equal(before, await ReadEverythingAsync(cluster, live, revoked));
        Assert.Equal(campaign.Entity, before.Campaign);
        Assert.Equal((1, 40, 1, 300, 1), (before.National.StudySessions, before.National.Attendance, before.National.HonoreeTalks,
            before.National.TalkAudience, before.National.ActiveBranches));

        // After the restart, writes carry on from what was stored: a correction moves every figure by the difference.
        await grains.GetGrain<IStudySessionGrain>("b1/s1").PutAsync(
            new StudySession("c1", "学习", Day, "offline", null, new Attendance(55, 10, 5, 20), null, null), "test");
        await Eventually.ReadAsync(async () => await cluster.SiloService<RollupReplica>().GetTotalsAsync(Constants.National, "c1", null, null),
            t => t.Attendance == 55, "the corrected national attendance");
        Assert.Equal(2, (await grains.GetGrain<IStudySessionGrain>("b1/s1").GetAsync())!.Version);
    }

    [Theory, InlineData(StorageProvider.Sqlite, 1), PostgresData(1)]
    public async Task AWriteIsAnsweredWhenItsBatchCommitsAndReadsNeverWaitForIt(StorageProvider provider, int silos)
    {
        await using var cluster = await GrainCluster.StartAsync(provider, silos);
        var grains = cluster.Client;
        await grains.GetGrain<ICampaignGrain>("c1").PutAsync(new Campaign("c1", "学习", new(2020, 11, 24), null, null), "test");
        await grains.GetGrain<IBranchGrain>("b1").PutAsync(new BranchProfile("工会", "630102", null, 50, null), "test");
        await grains.GetGrain<IStudySessionGrain>("b1/s1").PutAsync(Session(10), "test");
        var replica = cluster.SiloService<RollupReplica>();
        Func<Task<Totals>> national = async () => await replica.GetTotalsAsync(Constants.National, "c1", null, null);
        await Eventually.ReadAsync(national, t => t.Attendance == 10, "the first session nationally");

        // The database holds the next batch inside its transaction: the write is not answered, and reads are.
        await using var gate = await DatabaseGate.CloseAsync(cluster.SiloService<Database>());
        var write = grains.GetGrain<IStudySessionGrain>("b1/s2").PutAsync(Session(25), "test");
        await DatabaseGate.WaitUntilWritingAsync(cluster.SiloService<GroupCommitter>(), TimeSpan.FromSeconds(60));
        Assert.Equal(10, (await national().WaitAsync(TimeSpan.FromSeconds(60))).Attendance);
        Assert.Equal(10, (await grains.GetGrain<IBranchGrain>("b1").GetTotalsAsync("c1", null, null).WaitAsync(TimeSpan.FromSeconds(60))).Attendance);
        Assert.False(write.IsCompleted);

        await gate.OpenAsync();
        Assert.Equal(PutResult.Created, (await write.WaitAsync(TimeSpan.FromSeconds(60))).Result);
        Assert.Equal(35, (await grains.GetGrain<IBranchGrain>("b1").GetTotalsAsync("c1", null, null)).Attendance);
        await Eventually.ReadAsync(national, t => t.Attendance == 35, "the second session nationally");
    }

    private static StudySession Session(int attendees) =>
        new("c1", "学习", Day, "offline", null, new Attendance(attendees, null, null, null), null, null);

    private sealed record Everything(Versioned<Campaign>? Campaign, Versioned<BranchProfile>? Branch, Versioned<HonoreeProfile>? Honoree,
        LoggedRecord? Session, LoggedRecord? Talk, Totals BranchTotals, Totals National, HonoreeFigures Figures,
        ApiKeyRecord? Live, ApiKeyRecord? Revoked, bool LiveAuthenticates, bool RevokedAuthenticates);

    private static async Task<Everything> ReadEverythingAsync(GrainCluster cluster, IssuedApiKey live, IssuedApiKey revoked)
    {
        var grains = cluster.Client;
        var replica = cluster.SiloService<RollupReplica>();
        static string SecretOf(IssuedApiKey key) => ApiKeySecret.Parse(key.Key)!.Secret;
        var liveKey = grains.GetGrain<IApiKeyGrain>(live.Record.KeyId);
        var revokedKey = grains.GetGrain<IApiKeyGrain>(revoked.Record.KeyId);
        return new Everything(
            await grains.GetGrain<ICampaignGrain>("c1").GetAsync(),
            await grains.GetGrain<IBranchGrain>("b1").GetAsync(),
            await grains.GetGrain<IHonoreeGrain>("h1").GetAsync(),
            await grains.GetGrain<IStudySessionGrain>("b1/s1").GetAsync(),
            await grains.GetGrain<IHonoreeTalkGrain>("b1/t1").GetAsync(),
            await grains.GetGrain<IBranchGrain>("b1").GetTotalsAsync("c1", null, null),
            await replica.GetTotalsAsync(Constants.National, "c1", null, null),
            await replica.GetHonoreeAsync("h1", "c1"),
            await liveKey.GetAsync(), await revokedKey.GetAsync(),
            (await liveKey.GetCredentialAsync())?.Check(SecretOf(live)) is not null,
            (await revokedKey.GetCredentialAsync())?.Check(SecretOf(revoked)) is not null);
    }
}
