using System.Text.Json;
using Grassroots.Domain.Model;
using Grassroots.Storage;

namespace Grassroots.Domain.Persistence;

/// <summary>
/// The period_approvals table: where each region's period stands, projected from its approval grain's state. Every
/// silo's lock cache reads it (<see cref="Caching.PeriodLocks"/>), and so do the listings of periods. Written by the grain
/// after its state, with the change-log entry of the step that led there in the same transaction; a newer version is
/// never overwritten by an older one, and a step is logged once however often its projection is written again.
/// </summary>
public sealed class PeriodApprovalProjection(Database database)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public const string Entity = "period";

    /// <summary>Writes the row at the approval's version; when that moves it on and <paramref name="step"/> is given, logs the step.</summary>
    public Task WriteAsync(PeriodApproval approval, string actor, ApprovalTransition? step) =>
        database.InTransactionAsync(async (connection, tx) =>
        {
            var moved = await database.ExecuteAsync(connection, tx,
                "INSERT INTO period_approvals (campaign_id, period, region_code, state, version, updated_at, updated_by, snapshot_json) " +
                "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (campaign_id, period, region_code) DO UPDATE SET state = excluded.state, " +
                "version = excluded.version, updated_at = excluded.updated_at, updated_by = excluded.updated_by, snapshot_json = excluded.snapshot_json " +
                "WHERE period_approvals.version < excluded.version",
                [approval.CampaignId, approval.Period, approval.RegionCode, approval.State.Name(), approval.Version,
                 step?.At ?? approval.History.LastOrDefault()?.At ?? DateTimeOffset.UtcNow, actor,
                 approval.Submitted is { } figures ? JsonSerializer.Serialize(figures, Json) : null]);
            if (moved == 1 && step is not null)
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

    /// <summary>Whether any period of the campaign is submitted or approved anywhere.</summary>
    public async Task<bool> AnyLockedAsync(string campaignId) =>
        (await database.QueryAsync("SELECT COUNT(*) FROM period_approvals WHERE campaign_id = $1 AND state IN ('submitted', 'approved')",
            [campaignId], r => r.Long(0)).Translated())[0] > 0;
}

/// <summary>A period's row: its state, when it last moved and by whom (the key's label, when a key did), the figures submitted.</summary>
public sealed record PeriodRow(string RegionCode, string Period, PeriodState State, DateTimeOffset UpdatedAt, string UpdatedBy, string? Label,
    SignedFigures? Submitted);
