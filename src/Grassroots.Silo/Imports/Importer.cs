using System.Security.Claims;
using Grassroots.Domain;
using Grassroots.Domain.Model;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Security;

namespace Grassroots.Silo.Imports;

/// <summary>How one import runs: dry or not, as whom, and where to resume (an import job after a restart).</summary>
public sealed record ImportRun(bool DryRun, string Actor, ClaimsPrincipal User)
{
    /// <summary>Rows already done by an earlier run of the same job: skipped, their counts in <see cref="Resumed"/>.</summary>
    public long Skip { get; init; }

    public ImportResult? Resumed { get; init; }

    /// <summary>Told the counts each time every row read so far is done (not after every row).</summary>
    public Func<ImportResult, Task>? Checkpoint { get; init; }
}

/// <summary>
/// Imports rows as single PUTs would store them: each row is checked by the same field rules and endpoint checks, the
/// caller's key must be allowed to act for its branch, and then its record grain stores it through its branch and the
/// group committer. Rows go to the grains concurrently (at most <see cref="MaxInFlight"/> at once), rows of one record
/// in the order they appear. A rejected row stores nothing and is reported by line (CSV) or index (JSON) and field.
/// </summary>
public sealed class Importer(IGrainFactory grains, Access access, IServiceProvider services)
{
    public const int MaxInFlight = 256;

    /// <summary>Rows between checkpoints of a job.</summary>
    public const int CheckpointEvery = 5_000;

    public async Task<ImportResult> RunAsync(IAsyncEnumerable<ReadRow> rows, ImportRun run, CancellationToken cancellationToken)
    {
        var tally = run.Resumed is { } resumed ? new ImportTally(resumed) : new ImportTally();
        var allowed = new Dictionary<string, bool>(StringComparer.Ordinal);
        var slots = new SemaphoreSlim(MaxInFlight);
        var lastOfRecord = new Dictionary<string, Task>(StringComparer.Ordinal);
        var sinceCheckpoint = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (row.Ordinal < run.Skip) continue;
            tally.Read();
            if (Check(row, tally) is not { } data) continue;
            var (branchId, recordId) = (row.Row!.BranchId!, row.Row.Id!);
            if (!allowed.TryGetValue(branchId, out var may)) allowed[branchId] = may = await access.CanActForBranchAsync(run.User, branchId);
            if (!may)
            {
                tally.Reject(row, "branchId", Access.RefusedTitle);
                continue;
            }
            if (run.DryRun)
            {
                tally.Count(PutResult.Created);
                continue;
            }

            await slots.WaitAsync(cancellationToken);
            var key = $"{row.Kind.Type}/{branchId}/{recordId}";
            lastOfRecord.TryGetValue(key, out var before);
            lastOfRecord[key] = PutAfterAsync(before, row, data, run.Actor, tally, slots);

            if (++sinceCheckpoint >= CheckpointEvery)
            {
                await Task.WhenAll(lastOfRecord.Values);
                lastOfRecord.Clear();
                sinceCheckpoint = 0;
                if (run.Checkpoint is { } checkpoint) await checkpoint(tally.Result(run.DryRun));
            }
        }
        await Task.WhenAll(lastOfRecord.Values);
        return tally.Result(run.DryRun);
    }

    /// <summary>The row's domain record when it passes every check a PUT makes before calling a grain; else rejects it.</summary>
    private RecordData? Check(ReadRow row, ImportTally tally)
    {
        if (row.Problems.Count > 0 || row.Row is null)
        {
            foreach (var (field, message) in row.Problems) tally.Reject(row, field, message);
            return null;
        }
        var validator = new Validator();
        validator.Fields(row.Row, services);
        if (validator.IsValid) row.Kind.Check(row.Row, validator);
        if (!validator.IsValid)
        {
            foreach (var (field, message) in validator.Problems) tally.Reject(row, field, message);
            return null;
        }
        return row.Kind.ToRecord(row.Row);
    }

    private async Task PutAfterAsync(Task? before, ReadRow row, RecordData data, string actor, ImportTally tally, SemaphoreSlim slots)
    {
        try
        {
            if (before is not null) await before;
            var saved = await row.Kind.PutAsync(grains, row.Row!.BranchId!, row.Row.Id!, data, actor);
            tally.Count(saved.Result);
        }
        catch (Exception error) when (Explain(row, data, error) is var (field, message))
        {
            tally.Reject(row, field, message);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>What a PUT would have answered 400 or 409 for, as a conflict of the row; null for errors that stop the import.</summary>
    private static (string Field, string Message)? Explain(ReadRow row, RecordData data, Exception error) => error switch
    {
        FieldValidationException e => (row.Kind.Field(row.Row!, data, e.Field), e.Message),
        StateConflictException or WriteConflictException or NotFoundException => ("id", error.Message),
        WriteRefusedException => ("row", error.Message),
        _ => null,
    };
}
