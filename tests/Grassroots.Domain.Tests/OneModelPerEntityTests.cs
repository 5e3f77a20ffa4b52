using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Model;
using Grassroots.Domain.SignOff;
using Grassroots.Domain.Tests.Support;
using Grassroots.Silo.Security;
using Grassroots.Storage;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;

namespace Grassroots.Domain.Tests;

/// <summary>
/// Campaigns, periods' sign-off and API keys each have one stored model, their table row (docs/architecture.md, "State:
/// grain state and facts"): no Orleans grain state is written for them, a grain activated again answers from its row,
/// a submission stored with its lock but not its figures is finished by the next call, and rows a release before
/// migration 0013 wrote (its grain state beside them) are read whole.
/// </summary>
public sealed class OneModelPerEntityTests
{
    private const string County = "630102", Month = "2020-12";
    private static readonly string PeriodKey = $"{County}/c1/{Month}";
    private static readonly ApprovalActor Actor = new("test", "测试");

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task TheRowIsTheOnlyStoredCopyAndAGrainActivatedAgainAnswersFromIt(StorageProvider provider)
    {
        await using var cluster = await GrainCluster.StartAsync(provider);
        var grains = cluster.Client;
        var database = cluster.SiloService<Database>();
        await grains.GetGrain<ICampaignGrain>("c1").PutAsync(new Campaign("c1", "学习", new(2020, 11, 24), null, "全国"), "test");
        var key = await cluster.SiloService<ApiKeyStore>().CreateAsync(Roles.Hq, "CN", "总部", "test");
        var submitted = await grains.GetGrain<IPeriodApprovalGrain>(PeriodKey).SubmitAsync(Actor, null);
        Assert.Equal((PeriodState.Submitted, false, 2L), (submitted.State, submitted.Locking, submitted.Version));

        Assert.Equal(0, await CountAsync(database, "SELECT COUNT(*) FROM orleans_storage"));

        // What the grains answer after activating again is what their rows say, whoever changed the rows.
        await database.ExecuteAsync("UPDATE campaigns SET title = '学习劳模精神' WHERE campaign_id = 'c1'", []);
        await database.ExecuteAsync("UPDATE api_keys SET label = '全总' WHERE key_id = $1", [key.Record.KeyId]);
        foreach (var grain in new IGrain[]
                 {
                     grains.GetGrain<ICampaignGrain>("c1"), grains.GetGrain<IApiKeyGrain>(key.Record.KeyId), grains.GetGrain<IPeriodApprovalGrain>(PeriodKey),
                 })
            await cluster.DeactivateAsync(grain);

        var campaign = (await grains.GetGrain<ICampaignGrain>("c1").GetAsync())!;
        Assert.Equal(("学习劳模精神", 1L), (campaign.Value.Title, campaign.Version));
        var credential = (await grains.GetGrain<IApiKeyGrain>(key.Record.KeyId).GetCredentialAsync())!;
        Assert.Equal("全总", credential.Check(ApiKeySecret.Parse(key.Key)!.Secret)?.Label);
        Assert.Equal(submitted, await grains.GetGrain<IPeriodApprovalGrain>(PeriodKey).GetAsync(), PeriodComparer.Instance);

        // Writes go on from the row's version, each with its change-log entry, and still write no grain state.
        var corrected = await grains.GetGrain<ICampaignGrain>("c1").PutAsync(new Campaign("c1", "学习劳模精神", new(2020, 11, 24), new(2021, 12, 31), "全国"), "test");
        Assert.Equal((PutResult.Updated, 2L), (corrected.Result, corrected.Entity.Version));
        var approved = await grains.GetGrain<IPeriodApprovalGrain>(PeriodKey).ApproveAsync(Actor, "同意");
        Assert.Equal((PeriodState.Approved, 3L, 2), (approved.State, approved.Version, approved.History.Count));
        Assert.Equal(Revocation.Revoked, await grains.GetGrain<IApiKeyGrain>(key.Record.KeyId).RevokeAsync("test"));
        Assert.Equal(["create", "update"], await ActionsAsync(database, "campaign", "c1"));
        Assert.Equal(["submit", "approve"], await ActionsAsync(database, PeriodApprovalTable.Entity, PeriodKey));
        Assert.Equal(["create", "revoke"], await ActionsAsync(database, "api-key", key.Record.KeyId));
        Assert.Equal(0, await CountAsync(database, "SELECT COUNT(*) FROM orleans_storage"));
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task ASubmissionStoredWithItsLockButNotItsFiguresIsFinishedByTheNextCall(StorageProvider provider)
    {
        await using var cluster = await GrainCluster.StartAsync(provider);
        var grains = cluster.Client;
        var database = cluster.SiloService<Database>();
        await grains.GetGrain<ICampaignGrain>("c1").PutAsync(new Campaign("c1", "学习", new(2020, 11, 24), null, null), "test");
        // The row as a submission's first write leaves it, when the grain's silo dies before every silo holds the lock.
        var pending = new ApprovalTransition(ApprovalActions.Submit, PeriodState.Submitted, Actor.Actor, Actor.Label, DateTimeOffset.UtcNow, "首次", null);
        await cluster.SiloService<PeriodApprovalTable>().WriteAsync(
            new PeriodApproval(County, "c1", Month, PeriodState.Submitted, true, 1, []), pending, 0, null);

        var found = await grains.GetGrain<IPeriodApprovalGrain>(PeriodKey).GetAsync();
        Assert.Equal((PeriodState.Submitted, true, 1L), (found.State, found.Locking, found.Version));
        Assert.Equal(PeriodState.Submitted, (await cluster.SiloService<PeriodApprovalTable>().LockedRegionsAsync("c1", Month))[County]);

        var finished = await grains.GetGrain<IPeriodApprovalGrain>(PeriodKey).SubmitAsync(Actor, "重试");
        Assert.Equal((PeriodState.Submitted, false, 2L), (finished.State, finished.Locking, finished.Version));
        var submission = Assert.Single(finished.History);
        Assert.Equal(("首次", true), (submission.Reason, submission.Figures is not null));
        Assert.Equal(["submit"], await ActionsAsync(database, PeriodApprovalTable.Entity, PeriodKey));

        await cluster.DeactivateAsync(grains.GetGrain<IPeriodApprovalGrain>(PeriodKey));
        Assert.Equal(finished, await grains.GetGrain<IPeriodApprovalGrain>(PeriodKey).GetAsync(), PeriodComparer.Instance);
    }

    [Theory, InlineData(StorageProvider.Sqlite), PostgresData]
    public async Task RowsAReleaseBeforeMigration0013WroteAreReadWithItsGrainStateOnce(StorageProvider provider)
    {
        await using var cluster = await GrainCluster.StartAsync(provider);
        var grains = cluster.Client;
        var database = cluster.SiloService<Database>();
        var legacy = cluster.SiloService<IServiceProvider>().GetRequiredKeyedService<IGrainStorage>(Constants.GrainStorage);
        var at = new DateTimeOffset(2021, 1, 5, 8, 0, 0, TimeSpan.Zero);

        // A campaign: that release's row had every field of its state.
        await database.ExecuteAsync("INSERT INTO campaigns (campaign_id, title, starts_on, ends_on, description, created_at, updated_at, version) " +
                                    "VALUES ('c1', '学习', $1, NULL, NULL, $2, $2, 3)", [new DateOnly(2020, 11, 24), at]);
        var campaign = (await grains.GetGrain<ICampaignGrain>("c1").GetAsync())!;
        Assert.Equal((new Campaign("c1", "学习", new(2020, 11, 24), null, null), 3L), (campaign.Value, campaign.Version));

        // A key: its row without the hash, which that release kept in the key's grain state only.
        var secret = ApiKeySecret.New();
        var record = new ApiKeyRecord(secret.KeyId, Roles.Hq, "CN", "总部", at, "test", null, null);
        await database.ExecuteAsync("INSERT INTO api_keys (key_id, role, scope, label, created_at, created_by) VALUES ($1, 'hq', 'CN', '总部', $2, 'test')",
            [secret.KeyId, at]);
        var keyState = new GrainState<ApiKeyState>(new ApiKeyState { Key = record, SecretHash = ApiKeySecret.Hash(secret.Secret) });
        await legacy.WriteStateAsync(Constants.StateNames.ApiKey, GrainId.Create("api-key", secret.KeyId), keyState);

        // An approved period, its history in the grain state; and a submission whose figures that release had not taken.
        var submit = new ApprovalTransition(ApprovalActions.Submit, PeriodState.Submitted, "key:a", "县总", at, null, SignedFiguresOf(7));
        var approve = new ApprovalTransition(ApprovalActions.Approve, PeriodState.Approved, "key:b", "省总", at.AddHours(1), "同意", SignedFiguresOf(7));
        await LegacyPeriodAsync(database, legacy, PeriodKey, PeriodState.Approved, 3,
            new PeriodApprovalState { State = PeriodState.Approved, Version = 3, History = [submit, approve] });
        const string pendingKey = $"{County}/c1/2021-01";
        var pending = submit with { At = at.AddDays(30), Figures = null };
        await LegacyPeriodAsync(database, legacy, pendingKey, PeriodState.Submitted, 1,
            new PeriodApprovalState { State = PeriodState.Submitted, Version = 1, Pending = pending });

        Assert.Equal("总部", (await grains.GetGrain<IApiKeyGrain>(secret.KeyId).GetCredentialAsync())?.Check(secret.Secret)?.Label);
        var approved = await grains.GetGrain<IPeriodApprovalGrain>(PeriodKey).GetAsync();
        Assert.Equal((PeriodState.Approved, 3L, false), (approved.State, approved.Version, approved.Locking));
        Assert.Equal([submit, approve], approved.History);
        var locking = await grains.GetGrain<IPeriodApprovalGrain>(pendingKey).GetAsync();
        Assert.Equal((PeriodState.Submitted, true, 1L), (locking.State, locking.Locking, locking.Version));

        // Moved into the rows once: with that state gone, the grains activated again answer the same.
        await database.ExecuteAsync("DELETE FROM orleans_storage", []);
        foreach (var grain in new IGrain[]
                 {
                     grains.GetGrain<IApiKeyGrain>(secret.KeyId), grains.GetGrain<IPeriodApprovalGrain>(PeriodKey), grains.GetGrain<IPeriodApprovalGrain>(pendingKey),
                 })
            await cluster.DeactivateAsync(grain);
        Assert.Equal("总部", (await grains.GetGrain<IApiKeyGrain>(secret.KeyId).GetCredentialAsync())?.Check(secret.Secret)?.Label);
        Assert.Equal(approved, await grains.GetGrain<IPeriodApprovalGrain>(PeriodKey).GetAsync(), PeriodComparer.Instance);
        Assert.Equal(locking, await grains.GetGrain<IPeriodApprovalGrain>(pendingKey).GetAsync(), PeriodComparer.Instance);

        // The pending submission is finished as one of this release's own would be.
        var finished = await grains.GetGrain<IPeriodApprovalGrain>(pendingKey).SubmitAsync(Actor, null);
        Assert.Equal((false, 2L, pending.At), (finished.Locking, finished.Version, Assert.Single(finished.History).At));
    }

    private static async Task LegacyPeriodAsync(Database database, IGrainStorage legacy, string key, PeriodState state, long version,
        PeriodApprovalState stored)
    {
        var parts = key.Split('/');
        await database.ExecuteAsync("INSERT INTO period_approvals (campaign_id, period, region_code, state, version, updated_at, updated_by) " +
                                    "VALUES ($1, $2, $3, $4, $5, $6, 'key:a')",
            [parts[1], parts[2], parts[0], state.Name(), version, DateTimeOffset.UtcNow]);
        await legacy.WriteStateAsync(Constants.StateNames.PeriodApproval, GrainId.Create(Constants.GrainTypes.PeriodApproval, key),
            new GrainState<PeriodApprovalState>(stored));
    }

    private static SignedFigures SignedFiguresOf(long sessions) => SignedFigures.From(Totals.Zero with { StudySessions = sessions, Attendance = sessions * 10 });

    private static async Task<long> CountAsync(Database database, string sql) => (await database.QueryAsync(sql, [], r => r.Long(0)))[0];

    private static Task<List<string>> ActionsAsync(Database database, string entity, string key) =>
        database.QueryAsync("SELECT action FROM change_log WHERE entity = $1 AND entity_key = $2 ORDER BY change_id", [entity, key], r => r.GetString(0));

    /// <summary>Periods compared by value, history included (the record's own equality compares the history's reference).</summary>
    private sealed class PeriodComparer : IEqualityComparer<PeriodApproval>
    {
        public static readonly PeriodComparer Instance = new();

        public bool Equals(PeriodApproval? x, PeriodApproval? y) =>
            x is not null && y is not null && (x with { History = [] }) == (y with { History = [] }) && x.History.SequenceEqual(y.History);

        public int GetHashCode(PeriodApproval obj) => obj.Version.GetHashCode();
    }
}
