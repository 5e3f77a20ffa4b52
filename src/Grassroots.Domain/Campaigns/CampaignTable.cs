using System.Data.Common;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Storage;

namespace Grassroots.Domain.Campaigns;

/// <summary>
/// The campaigns table: the one stored copy of each campaign (docs/architecture.md, "State: grain state and facts").
/// The campaign's grain loads its row on activation and writes it, with the change-log entry, in one transaction;
/// listings and report writers read it too. A write lands only on the version its grain read, so no version goes
/// backwards and a row moved on by anyone else is never overwritten.
/// </summary>
public sealed class CampaignTable(Database database)
{
    private const string Columns =
        "campaign_id, title, starts_on, ends_on, description, created_at, updated_at, version, reporting_period, approval_path";

    public async Task<Versioned<Campaign>?> LoadAsync(string campaignId, CancellationToken cancellationToken = default) =>
        (await database.QueryAsync($"SELECT {Columns} FROM campaigns WHERE campaign_id = $1", [campaignId], Read, cancellationToken)
            .Translated()).SingleOrDefault();

    /// <summary>Every campaign, the latest start first.</summary>
    public Task<List<Versioned<Campaign>>> ListAsync(CancellationToken cancellationToken = default) =>
        database.QueryAsync($"SELECT {Columns} FROM campaigns ORDER BY starts_on DESC, campaign_id", [], Read, cancellationToken);

    /// <summary>Writes <paramref name="now"/> over <paramref name="before"/> (null: a new campaign) with its change-log entry.</summary>
    /// <exception cref="VersionConflictException">The row is not at <paramref name="before"/>'s version.</exception>
    public Task WriteAsync(Versioned<Campaign> now, Versioned<Campaign>? before, string actor) => database.InTransactionAsync(async (connection, tx) =>
    {
        var c = now.Value;
        var written = await database.ExecuteAsync(connection, tx,
            $"INSERT INTO campaigns ({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (campaign_id) DO UPDATE SET " +
            "title = excluded.title, starts_on = excluded.starts_on, ends_on = excluded.ends_on, description = excluded.description, " +
            "updated_at = excluded.updated_at, version = excluded.version, reporting_period = excluded.reporting_period, " +
            "approval_path = excluded.approval_path WHERE campaigns.version = $11",
            [c.Id, c.Title, c.StartsOn, c.EndsOn, c.Description, now.CreatedAt, now.UpdatedAt, now.Version, c.ReportingPeriod, string.Join(',', c.Path),
             before?.Version ?? 0]);
        if (written != 1) throw new VersionConflictException($"campaign {c.Id} is no longer at version {before?.Version ?? 0}");
        await ChangeLog.AppendAsync(database, connection, tx, now.UpdatedAt, actor, "campaign", c.Id, before is null ? "create" : "update", before?.Value, c);
    });

    private static Versioned<Campaign> Read(DbDataReader r) => new(
        new Campaign(r.GetString(0), r.GetString(1), r.Date(2), r.NullableDate(3), r.Text(4), r.GetString(8), r.GetString(9).Split(',')),
        r.Long(7), r.Timestamp(5), r.Timestamp(6));
}
