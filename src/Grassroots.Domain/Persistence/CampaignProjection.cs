using Grassroots.Domain.Model;
using Grassroots.Storage;

namespace Grassroots.Domain.Persistence;

/// <summary>
/// The campaigns table: a projection of the campaign grains' state that lists campaigns and that records and report
/// writers refer to. Written by the campaign grain after its state, with the change-log entry of a change; a newer
/// version is never overwritten by an older one.
/// </summary>
public sealed class CampaignProjection(Database database)
{
    public Task WriteAsync(Versioned<Campaign> now, Versioned<Campaign>? before, string actor) => database.InTransactionAsync(async (connection, tx) =>
    {
        var c = now.Value;
        await database.ExecuteAsync(connection, tx,
            "INSERT INTO campaigns (campaign_id, title, starts_on, ends_on, description, created_at, updated_at, version, reporting_period, approval_path) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (campaign_id) DO UPDATE SET title = excluded.title, " +
            "starts_on = excluded.starts_on, ends_on = excluded.ends_on, description = excluded.description, " +
            "updated_at = excluded.updated_at, version = excluded.version, reporting_period = excluded.reporting_period, " +
            "approval_path = excluded.approval_path WHERE campaigns.version < excluded.version",
            [c.Id, c.Title, c.StartsOn, c.EndsOn, c.Description, now.CreatedAt, now.UpdatedAt, now.Version, c.ReportingPeriod, string.Join(',', c.Path)]);
        if (before?.Version != now.Version)
            await ChangeLog.AppendAsync(database, connection, tx, now.UpdatedAt, actor, "campaign", c.Id, before is null ? "create" : "update", before?.Value, c);
    });
}
