using System.Text.Json;
using System.Text.Json.Serialization;
using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Persistence;
using Grassroots.Storage;

namespace Grassroots.Domain.SignOff;

/// <summary>
/// The period_approvals table: the one stored copy of each region's period and its sign-off (docs/sign-off.md). The
/// period's grain loads its row on activation and writes it, with the change-log entry of the step that led there, in
/// one transaction; every silo's lock cache (<see cref="SignOff.PeriodLocks"/>) and the listings of periods read it. A
/// write lands only on the version its grain read, so no version goes backwards. Only periods that left "open" have a row.
/// </summary>
public sealed class PeriodApprovalTable(Database database) : ICampaignPeriodLocks
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public const string Entity = "period";

    /// <summary>
    /// The period's row as its grain needs it; null when the period never left "open". <see cref="StoredPeriod.Whole"/> is
    /// false for a row last written by a release before migration 0013, which kept the history in its grain state.
    /// </summary>
    public async Task<StoredPeriod?> LoadAsync(string regionCode, string campaignId, string period, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync(
            "SELECT state, version, history_json, pending_json, history_version FROM period_approvals " +
            "WHERE campaign_id = $1 AND period = $2 AND region_code = $3",
            [campaignId, period, regionCode],
            r => new StoredPeriod(PeriodStates.Parse(r.GetString(0)), r.Long(1),
                r.Text(2) is { } history ? JsonSerializer.Deserialize<List<ApprovalTransition>>(history, Json)! : [],
                r.Text(3) is { } pending ? JsonSerializer.Deserialize<ApprovalTransition>(pending, Json) : null,
                !r.IsDBNull(4) && r.Long(4) == r.Long(1) && !r.IsDBNull(2)),
            cancellationToken).Translated()).SingleOrDefault();

    /// <summary>
    /// Writes the period as <paramref name="approval"/> (with <paramref name="pending"/>, a submission whose figures are not
    /// taken yet) over the row at <paramref name="expected"/> (0: no row); logs <paramref name="step"/> when given.
    /// </summary>
    /// <exception cref="VersionConflictException">The row is not at <paramref name="expected"/>.</exception>
    public Task WriteAsync(PeriodApproval approval, ApprovalTransition? pending, long expected, ApprovalTransition? step) =>
        database.InTransactionAsync(async (connection, tx) =>
        {
            var last = pending ?? approval.History.LastOrDefault();
            var written = await database.ExecuteAsync(connection, tx,
                "INSERT INTO period_approvals (campaign_id, period, region_code, state, version, updated_at, updated_by, snapshot_json, " +
                "history_json, pending_json, history_version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $5) " +
                "ON CONFLICT (campaign_id, period, region_code) DO UPDATE SET state = excluded.state, version = excluded.version, " +
                "updated_at = excluded.updated_at, updated_by = excluded.updated_by, snapshot_json = excluded.snapshot_json, " +
                "history_json = excluded.history_json, pending_json = excluded.pending_json, history_version = excluded.history_version " +
                "WHERE period_approvals.version = $11",
                [approval.CampaignId, approval.Period, approval.RegionCode, approval.State.Name(), approval.Version,
                 last?.At ?? DateTimeOffset.UtcNow, last?.Actor ?? "",
                 approval.Submitted is { } figures ? JsonSerializer.Serialize(figures, Json) : null,
                 JsonSerializer.Serialize(approval.History, Json), pending is null ? null : JsonSerializer.Serialize(pending, Json), expected]);
            if (written != 1) throw new VersionConflictException($"period {KeyOf(approval)} is no longer at version {expected}");
            if (step is not null)
                await ChangeLog.AppendAsync(database, connection, tx, step.At, step.Actor, Entity, KeyOf(approval), step.Action,
                    new { state = StateBefore(approval, step).Name() },
                    new { state = step.State.Name(), step.Reason, step.Figures, label = step.Label },
                    regionCode: approval.RegionCode);
        });

    /// <summary>The state a step left: the one the step before it led to, or open.</summary>
    private static PeriodState StateBefore(PeriodApproval approval, ApprovalTransition step)
    {
        var index = approval.History.ToList().LastIndexOf(step);
        return index > 0 ? approval.History[index - 1].State : PeriodState.Open;
    }

    public static string KeyOf(PeriodApproval a) => $"{a.RegionCode}/{a.CampaignId}/{a.Period}";

    /// <summary>The stored periods of a campaign (one period, or all) of these regions, with the label of the key that moved each last.</summary>
    public async Task<IReadOnlyList<PeriodRow>> ReadAsync(string campaignId, string? period, IReadOnlyList<string> regionCodes,
        CancellationToken cancellationToken = default)
    {
        if (regionCodes.Count == 0) return [];
        var codes = database.InList(regionCodes, out var args, first: period is null ? 2 : 3);
        return await database.QueryAsync(
            "SELECT p.region_code, p.period, p.state, p.updated_at, p.updated_by, k.label, p.snapshot_json FROM period_approvals p " +
            $"LEFT JOIN api_keys k ON p.updated_by = 'key:' || k.key_id WHERE p.campaign_id = $1{(period is null ? "" : " AND p.period = $2")} " +
            $"AND p.region_code {codes}",
            [campaignId, .. period is null ? Array.Empty<object?>() : [period], .. args],
            r => new PeriodRow(r.GetString(0), r.GetString(1), PeriodStates.Parse(r.GetString(2)), r.Timestamp(3), r.GetString(4), r.Text(5),
                r.Text(6) is { } json ? JsonSerializer.Deserialize<SignedFigures>(json, Json) : null), cancellationToken).Translated();
    }

    /// <summary>The regions for which one period of a campaign is submitted or approved: what a silo's lock cache holds.</summary>
    public async Task<IReadOnlyDictionary<string, PeriodState>> LockedRegionsAsync(string campaignId, string period) =>
        (await database.QueryAsync(
            "SELECT region_code, state FROM period_approvals WHERE campaign_id = $1 AND period = $2 AND state IN ('submitted', 'approved')",
            [campaignId, period], r => (Code: r.GetString(0), State: PeriodStates.Parse(r.GetString(1)))).Translated())
        .ToDictionary(r => r.Code, r => r.State);

    /// <summary>Whether any period of the campaign is submitted or approved anywhere.</summary>
    public async Task<bool> AnyLockedAsync(string campaignId) =>
        (await database.QueryAsync("SELECT COUNT(*) FROM period_approvals WHERE campaign_id = $1 AND state IN ('submitted', 'approved')",
            [campaignId], r => r.Long(0)).Translated())[0] > 0;
}

/// <summary>A period's row as its grain loads it.</summary>
/// <param name="Whole">Whether the history and pending submission are this row's (false: a release before 0013 wrote it last).</param>
public sealed record StoredPeriod(PeriodState State, long Version, List<ApprovalTransition> History, ApprovalTransition? Pending, bool Whole);

/// <summary>A period's row: its state, when it last moved and by whom (the key's label, when a key did), the figures submitted.</summary>
public sealed record PeriodRow(string RegionCode, string Period, PeriodState State, DateTimeOffset UpdatedAt, string UpdatedBy, string? Label,
    SignedFigures? Submitted);
