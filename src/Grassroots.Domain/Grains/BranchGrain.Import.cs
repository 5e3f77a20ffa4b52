using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Records;
using Grassroots.Storage;

namespace Grassroots.Domain.Grains;

// Imports: many records of this branch decided in one call and, where new, committed as one unit. Single PUTs cost two
// grain calls and a unit each, and a burst of one branch's units shares a batch only by the locking path (each unit
// writes the branch's activity row again); here the activity row is written once per campaign and the rollup deltas of
// every record are summed before they become increments.
public sealed partial class BranchGrain
{
    public Task<IReadOnlyList<ImportOutcome>> ImportRecordsAsync(RecordImport import) =>
        Contention.RetryAsync(() => TryImportAsync(import), () => _ledgerInDoubt = true);

    private async Task<IReadOnlyList<ImportOutcome>> TryImportAsync(RecordImport import)
    {
        await EnsureLedgerAsync();
        var records = import.Records;
        var outcomes = new ImportOutcome?[records.Count];
        if (Current is not { } branch)
            return [.. records.Select(_ => new ImportOutcome(ImportOutcomeKind.Rejected, "branchId", $"No branch has the id '{Key}'."))];

        // The checks a record grain makes, each campaign looked up once.
        var campaigns = new Dictionary<string, Campaign?>(StringComparer.Ordinal);
        var today = Clock.Today();
        for (var i = 0; i < records.Count; i++)
        {
            var data = records[i].Data;
            if (!campaigns.TryGetValue(data.CampaignId, out var campaign))
                campaigns[data.CampaignId] = campaign = (await campaignDirectory.GetAsync(data.CampaignId))?.Value;
            try
            {
                await RecordChecks.CheckAsync(RecordKinds.Of(data), data, campaign, today, GrainFactory);
            }
            catch (FieldValidationException e)
            {
                outcomes[i] = new ImportOutcome(ImportOutcomeKind.Rejected, e.Field, e.Message);
            }
        }

        // Records that exist: unchanged, voided (409 for a PUT), or changed — which their record grains store.
        var existing = Enumerable.Range(0, records.Count)
            .Where(i => outcomes[i] is null && _ledger.Has(RecordKinds.Of(records[i].Data), records[i].RecordId)).ToList();
        if (existing.Count > 0)
        {
            var stored = await StoredAsync([.. existing.Select(i => records[i])]);
            foreach (var i in existing)
                outcomes[i] = stored.GetValueOrDefault((RecordKinds.Of(records[i].Data).Name, records[i].RecordId)) switch
                {
                    { Voided: true } => new ImportOutcome(ImportOutcomeKind.Rejected, "id",
                        $"The {RecordKinds.Of(records[i].Data).Name} '{records[i].RecordId}' was voided and cannot be changed."),
                    { } before when before.Data.Equals(records[i].Data) => new ImportOutcome(ImportOutcomeKind.Unchanged),
                    _ => new ImportOutcome(import.DryRun ? ImportOutcomeKind.Updated : ImportOutcomeKind.ThroughRecordGrain),
                };
        }

        // New records. From here to the queueing of their unit nothing awaits (see CommitRecordChangeAsync); a record
        // that came into being while this call awaited goes through its record grain instead.
        var created = new List<LoggedRecord>();
        var taken = new HashSet<(RecordKind, string)>();
        var now = Clock.Now();
        for (var i = 0; i < records.Count; i++)
        {
            if (outcomes[i] is not null) continue;
            var (id, data) = (records[i].RecordId, records[i].Data);
            // A record twice in one import: the second is a correction of the first, stored once the first is.
            if (_ledger.Has(RecordKinds.Of(data), id) || !taken.Add((RecordKinds.Of(data), id)))
            {
                outcomes[i] = new ImportOutcome(import.DryRun ? ImportOutcomeKind.Updated : ImportOutcomeKind.ThroughRecordGrain);
                continue;
            }
            outcomes[i] = new ImportOutcome(ImportOutcomeKind.Created);
            created.Add(new LoggedRecord(Key, id, branch.Value.RegionCode, data, false, null, 1, now, now));
        }
        if (created.Count == 0 || import.DryRun) return [.. outcomes.Select(o => o!)];

        var unit = new WriteUnit(CreationWrites(created, import.Actor));
        var commit = Committer.CommitAsync(unit).Translated();
        _inFlight++;
        try
        {
            await commit;
            foreach (var record in created)
            {
                _ledger.Settle(RecordKinds.Of(record.Data), null, record);
                RecordsIngested.Add(RecordKinds.Of(record.Data), "create");
            }
        }
        catch
        {
            _ledgerInDoubt = true;
            throw;
        }
        finally
        {
            if (--_inFlight == 0) _settled?.TrySetResult();
        }
        return [.. outcomes.Select(o => o!)];
    }

    /// <summary>
    /// The writes of many new records as one unit: each record's row, change-log entry and kind-specific writes, the rollup
    /// deltas of them all summed per campaign and day, and one activity change per campaign.
    /// </summary>
    private List<RowWrite> CreationWrites(List<LoggedRecord> created, string actor)
    {
        var writes = new List<RowWrite>(created.Count * 2 + 32);
        var sums = new Dictionary<(string Campaign, DateOnly Day), long[]>();
        foreach (var record in created)
        {
            var kind = RecordKinds.Of(record.Data);
            writes.Add(new VersionedPut(kind.Table, [Key, record.RecordId], kind.Columns(record), 0));
            writes.Add(ChangeLog.Entry(record.UpdatedAt, actor, kind.Name, $"{Key}/{record.RecordId}", "import", null, record));
            writes.AddRange(kind.ExtraWrites(null, record, rollups));
            var key = (record.Data.CampaignId, record.Data.Day);
            if (!sums.TryGetValue(key, out var sum)) sums[key] = sum = new long[Totals.Count];
            Totals.Add(sum, kind.Figures(record.Data));
        }
        var region = created[0].RegionCode;
        foreach (var ((campaign, day), figures) in sums) writes.AddRange(rollups.Region(region, campaign, day, figures));
        writes.AddRange(ActivityWrites(_ledger.ClaimAll(created.Select(r => r.Placement!))));
        return writes;
    }

    /// <summary>The stored rows of records of this branch, by kind and id, read a few hundred at a time.</summary>
    private async Task<Dictionary<(string Kind, string Id), LoggedRecord>> StoredAsync(IReadOnlyList<ImportedRecord> records)
    {
        var stored = new Dictionary<(string, string), LoggedRecord>();
        foreach (var group in records.GroupBy(r => RecordKinds.Of(r.Data)))
        {
            var kind = group.Key;
            var table = kind.Table;
            foreach (var chunk in group.Select(r => r.RecordId).Distinct().Chunk(500))
            {
                var rows = await Database.QueryAsync(
                    $"SELECT {table.ColumnList}, version FROM {table.Name} WHERE {table.Key[0]} = $1 AND {table.Key[1]} IN " +
                    $"({string.Join(", ", chunk.Select((_, i) => $"${i + 2}"))})",
                    [Key, .. chunk], kind.Read).Translated();
                foreach (var record in await kind.CompleteAllAsync(Key, rows, Database).Translated())
                    stored[(kind.Name, record.RecordId)] = record;
            }
        }
        return stored;
    }
}
