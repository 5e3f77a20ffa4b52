using Grassroots.Domain.Branches;
using Grassroots.Domain.Model;
using Grassroots.Storage;

namespace Grassroots.Domain.Records;

/// <summary>
/// The records' reads: a stored record of any kind (each kind's descriptor knows its row), a branch's records as one
/// list, and a branch's figures counted from its records.
/// </summary>
public sealed class RecordStore(Database database) : IBranchFigures
{
    /// <summary>The record as stored, with what its row does not hold (a talk's honorees); null when there is none.</summary>
    public async Task<LoggedRecord?> ReadAsync(RecordKind kind, string branchId, string recordId)
    {
        var table = kind.Table;
        var rows = await database.QueryAsync(
            $"SELECT {table.ColumnList}, version FROM {table.Name} WHERE {table.Key[0]} = $1 AND {table.Key[1]} = $2",
            [branchId, recordId], kind.Read).Translated();
        return rows.Count == 0 ? null : (await WithLinkedAsync(kind, rows).Translated())[0];
    }

    /// <summary>The stored records of one kind with these keys, read in one statement; absent ones are left out.</summary>
    public async Task<IReadOnlyList<LoggedRecord>> ReadManyAsync(RecordKind kind, IReadOnlyList<(string BranchId, string RecordId)> keys)
    {
        if (keys.Count == 0) return [];
        var table = kind.Table;
        var rows = await database.QueryAsync(
            $"SELECT {table.ColumnList}, version FROM {table.Name} WHERE ({table.Key[0]}, {table.Key[1]}) {database.InPairs(keys, out var args)}",
            args, kind.Read).Translated();
        return await WithLinkedAsync(kind, rows).Translated();
    }

    /// <summary>The records with the ids their kind keeps in a table of their own (a talk's honorees), one read for all.</summary>
    private async Task<IReadOnlyList<LoggedRecord>> WithLinkedAsync(RecordKind kind, IReadOnlyList<LoggedRecord> records)
    {
        if (kind.Linked is not { } linked || records.Count == 0) return records;
        var ids = (await database.QueryAsync(
                $"SELECT branch_id, {linked.RecordColumn}, {linked.IdColumn} FROM {linked.Table} WHERE (branch_id, {linked.RecordColumn}) " +
                database.InPairs([.. records.Select(r => (r.BranchId, r.RecordId))], out var args), args,
                r => (Record: (r.GetString(0), r.GetString(1)), Id: r.GetString(2))))
            .ToLookup(x => x.Record, x => x.Id);
        return [.. records.Select(r => linked.With(r, [.. ids[(r.BranchId, r.RecordId)].Order(StringComparer.Ordinal)]))];
    }

    private static readonly string FiguresOfBranch = string.Join(" UNION ALL ", RecordKinds.All.Select(kind =>
        $"SELECT campaign_id, {kind.DateColumn} AS day, {string.Join(", ", kind.FigureColumns.Select((f, i) => $"{f} AS f{i}"))} " +
        $"FROM {kind.Table.Name} WHERE branch_id = $1 AND NOT voided"));

    /// <summary>What a branch's non-voided records add up to per campaign and day (a branch has few; not on the write path).</summary>
    public async Task<List<(string Campaign, DateOnly Day, Figures Figures)>> BranchFiguresAsync(string branchId)
    {
        var figureCount = RecordKinds.All[0].FigureColumns.Count;
        var sums = string.Join(", ", Enumerable.Range(0, figureCount).Select(i => $"SUM(f{i})"));
        return await database.QueryAsync(
            $"SELECT campaign_id, day, {sums} FROM ({FiguresOfBranch}) r GROUP BY campaign_id, day", [branchId],
            r => (Campaign: r.GetString(0), Day: r.Date(1),
                Figures: Figures.FromColumns([.. Enumerable.Range(2, figureCount).Select(r.Long), 0]))).Translated();
    }

    // One SELECT per kind with the same columns: kind, id, date, title, count, frontline, youth, women, online views (a
    // competition's awardees), voided. The count is attendance, audience, reach or participants; CASTs give the NULLs a type PostgreSQL can union.
    private const string BranchRecords =
        "SELECT 'study-session' AS kind, session_id AS id, held_on AS day, title, attendees AS n, frontline, youth, women, " +
        "online_views, voided FROM study_sessions WHERE branch_id = $1{0} " +
        "UNION ALL SELECT 'honoree-talk', talk_id, held_on, title, audience, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), " +
        "CAST(NULL AS INTEGER), online_views, voided FROM honoree_talks WHERE branch_id = $1{0} " +
        "UNION ALL SELECT 'publicity-item', item_id, published_on, title, reach, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), " +
        "CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), voided FROM publicity_items WHERE branch_id = $1{0} " +
        "UNION ALL SELECT 'competition', competition_id, starts_on, title, participants, frontline, youth, women, awardees, voided " +
        "FROM competitions WHERE branch_id = $1{0}";

    /// <summary>
    /// A branch's records of every kind (optionally one campaign's), voided ones included, newest first: one page of them
    /// with how many there are in all.
    /// </summary>
    public async Task<(long Total, IReadOnlyList<BranchRecordRow> Items)> BranchRecordsAsync(string branchId, string? campaignId,
        int pageNumber, int size, CancellationToken cancellationToken)
    {
        object?[] args = campaignId is null ? [branchId] : [branchId, campaignId];
        var records = string.Format(System.Globalization.CultureInfo.InvariantCulture, BranchRecords,
            campaignId is null ? "" : " AND campaign_id = $2");
        var total = (await database.QueryAsync($"SELECT COUNT(*) FROM ({records}) r", args, r => r.Long(0), cancellationToken))[0];
        var items = await database.QueryAsync(
            $"SELECT * FROM ({records}) r ORDER BY r.day DESC, r.kind, r.id LIMIT ${args.Length + 1} OFFSET ${args.Length + 2}",
            [.. args, size, (long)(pageNumber - 1) * size],
            r => new BranchRecordRow(r.GetString(0), r.GetString(1), r.Date(2), r.Text(3), r.NullableInt(4), r.NullableInt(5),
                r.NullableInt(6), r.NullableInt(7), r.NullableInt(8), r.Bool(9)), cancellationToken);
        return (total, items);
    }
}

/// <summary>
/// One record in a branch's list: <see cref="Kind"/> is study-session, honoree-talk, publicity-item or competition;
/// <see cref="Count"/> its attendance, audience, reach or participants; <see cref="Frontline"/>, <see cref="Youth"/> and
/// <see cref="Women"/> a session's or competition's breakdown; <see cref="Extra"/> online views, or a competition's awardees.
/// </summary>
public sealed record BranchRecordRow(string Kind, string Id, DateOnly Date, string? Title, int? Count, int? Frontline, int? Youth,
    int? Women, int? Extra, bool Voided);
