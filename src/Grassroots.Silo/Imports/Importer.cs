using System.Security.Claims;
using Grassroots.Domain;
using Grassroots.Domain.Contracts;
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
/// Imports rows as single PUTs would store them: each row is checked by the same field rules and endpoint checks, and the
/// caller's key must be allowed to act for its branch. Checked rows are gathered per branch and handed to the branch grain
/// <see cref="ChunkRows"/> at a time (<see cref="IBranchGrain.ImportRecordsAsync"/>), which checks them as their record
/// grains would and commits the new ones as one unit; rows that change an existing record are stored through its record
/// grain, as a PUT is. Several branches' chunks are in flight at once, and a chunk waits for an earlier one of its branch
/// only when they share a record, so rows of one record are stored in the order they appear. A rejected row stores
/// nothing and is reported by line (CSV) or index (JSON) and field. Branch rows are stored through their branch grains as
/// <c>PUT /api/branches/{branchId}</c> stores them, <see cref="MaxBranchGrainCalls"/> at a time, and all of them are done
/// before the first record row that follows is looked at, so a body can register branches and log their records.
/// </summary>
public sealed class Importer(IGrainFactory grains, Access access, IServiceProvider services)
{
    public const int ChunkRows = 500;

    /// <summary>Chunks in flight at once, over all branches.</summary>
    public const int MaxChunksInFlight = 8;

    /// <summary>Rows waiting for their branch's chunk to fill before every branch's rows are sent as they are.</summary>
    public const int MaxWaitingRows = 4_000;

    /// <summary>Rows between checkpoints of a job.</summary>
    public const int CheckpointEvery = 5_000;

    /// <summary>Rows stored through their record grains at once (existing records that change).</summary>
    public const int MaxRecordGrainCalls = 64;

    /// <summary>Branch rows stored through their branch grains at once.</summary>
    public const int MaxBranchGrainCalls = 64;

    public async Task<ImportResult> RunAsync(IAsyncEnumerable<ReadRow> rows, ImportRun run, CancellationToken cancellationToken)
    {
        var tally = run.Resumed is { } resumed ? new ImportTally(resumed) : new ImportTally();
        var allowed = new Dictionary<string, bool>(StringComparer.Ordinal);
        var chunks = new Chunks(this, run, tally);
        var branches = new BranchPuts(this, run, tally);
        var sinceCheckpoint = 0;
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (row.Ordinal < run.Skip) continue;
            tally.Read();
            if (row.Kind is BranchImportKind)
            {
                if (Check(row, tally)) await branches.AddAsync(row, BranchImportKind.ToProfile(row.Row!));
            }
            else
            {
                // Branches come before records (ImportShape.ReadRows): once they are stored, who may act for a branch
                // is settled for the rest of the run, and the allowed cache below holds.
                await branches.DrainAsync();
                if (Check(row, tally))
                {
                    var data = KindOf(row).ToRecord(row.Row!);
                    var branchId = row.Row!.BranchId!;
                    if (!allowed.TryGetValue(branchId, out var may)) allowed[branchId] = may = await access.CanActForBranchAsync(run.User, branchId);
                    if (may) await chunks.AddAsync(row, data);
                    else tally.Reject(row, "branchId", Access.RefusedTitle);
                }
            }
            if (++sinceCheckpoint >= CheckpointEvery)
            {
                await branches.DrainAsync();
                await chunks.DrainAsync();
                sinceCheckpoint = 0;
                if (run.Checkpoint is { } checkpoint) await checkpoint(tally.Result(run.DryRun));
            }
        }
        await branches.DrainAsync();
        await chunks.DrainAsync();
        return tally.Result(run.DryRun);
    }

    /// <summary>Whether the row passes every check a PUT makes before calling a grain; else rejects it.</summary>
    private bool Check(ReadRow row, ImportTally tally)
    {
        if (row.Problems.Count > 0 || row.Row is null)
        {
            foreach (var (field, message) in row.Problems) tally.Reject(row, field, message);
            return false;
        }
        var validator = new Validator();
        validator.Fields(row.Row, services);
        if (validator.IsValid) row.Kind.Check(row.Row, validator);
        if (!validator.IsValid)
        {
            foreach (var (field, message) in validator.Problems) tally.Reject(row, field, message);
            return false;
        }
        return true;
    }

    private static string RecordKey(ReadRow row) => $"{row.Kind.Type}/{row.Row!.Id}";

    private static RecordImportKind KindOf(ReadRow row) => (RecordImportKind)row.Kind;

    /// <summary>Sends one branch's chunk and counts what became of each row.</summary>
    private async Task SendAsync(string branchId, List<(ReadRow Row, RecordData Data)> rows, ImportRun run, ImportTally tally)
    {
        var outcomes = await grains.GetGrain<IBranchGrain>(branchId).ImportRecordsAsync(
            new RecordImport([.. rows.Select(r => new ImportedRecord(r.Row.Row!.Id!, r.Data))], run.Actor, run.DryRun));
        var throughRecordGrains = new List<(ReadRow Row, RecordData Data)>();
        for (var i = 0; i < rows.Count; i++)
        {
            var (row, data) = rows[i];
            switch (outcomes[i].Kind)
            {
                case ImportOutcomeKind.Created: tally.Count(PutResult.Created); break;
                case ImportOutcomeKind.Updated: tally.Count(PutResult.Updated); break;
                case ImportOutcomeKind.Unchanged: tally.Count(PutResult.Unchanged); break;
                case ImportOutcomeKind.Rejected: tally.Reject(row, KindOf(row).Field(row.Row!, data, outcomes[i].Field!), outcomes[i].Message!); break;
                default: throughRecordGrains.Add(rows[i]); break;
            }
        }
        // One record's rows in order; different records side by side.
        await Parallel.ForEachAsync(throughRecordGrains.GroupBy(r => RecordKey(r.Row)),
            new ParallelOptions { MaxDegreeOfParallelism = MaxRecordGrainCalls }, async (record, _) =>
            {
                foreach (var (row, data) in record) await PutAsync(row, data, run.Actor, tally);
            });
    }

    /// <summary>One row through its record grain, exactly as its PUT.</summary>
    private async Task PutAsync(ReadRow row, RecordData data, string actor, ImportTally tally)
    {
        try
        {
            tally.Count((await KindOf(row).PutAsync(grains, row.Row!.BranchId!, row.Row.Id!, data, actor)).Result);
        }
        catch (Exception error) when (Explain(error, field => KindOf(row).Field(row.Row!, data, field)) is var (field, message))
        {
            tally.Reject(row, field, message);
        }
    }

    /// <summary>
    /// One branch row exactly as its PUT: the same access rule (refused rows name the region when it is outside a
    /// region-admin's subtree, else the id), then the branch grain. A dry run asks the grain what it holds and compares.
    /// </summary>
    private async Task PutBranchAsync(ReadRow row, BranchProfile profile, ImportRun run, ImportTally tally)
    {
        var branchId = row.Row!.Id!;
        if (!await access.CanManageBranchAsync(run.User, branchId, profile.RegionCode))
        {
            var outside = KeyHolder.From(run.User)?.Role == Roles.RegionAdmin && !access.CanReadRegion(run.User, profile.RegionCode);
            tally.Reject(row, outside ? "regionCode" : "id", Access.RefusedTitle);
            return;
        }
        try
        {
            var branch = grains.GetGrain<IBranchGrain>(branchId);
            tally.Count(run.DryRun
                ? await branch.GetAsync() switch
                {
                    null => PutResult.Created,
                    var now when now.Value.Equals(profile) => PutResult.Unchanged,
                    _ => PutResult.Updated,
                }
                : (await branch.PutAsync(profile, run.Actor)).Result);
        }
        catch (Exception error) when (Explain(error, field => field) is var (field, message))
        {
            tally.Reject(row, field, message);
        }
    }

    /// <summary>What a PUT would have answered 400 or 409 for, as a conflict of the row; null for errors that stop the import.</summary>
    private static (string Field, string Message)? Explain(Exception error, Func<string, string> fieldOfRow) => error switch
    {
        FieldValidationException e => (fieldOfRow(e.Field), e.Message),
        StateConflictException or WriteConflictException or NotFoundException => ("id", error.Message),
        WriteRefusedException => ("row", error.Message),
        _ => null,
    };

    /// <summary>
    /// Branch rows in flight, at most <see cref="MaxBranchGrainCalls"/>; a row waits for an earlier row of the same branch,
    /// so that the last row of a branch is the one stored, as PUTs sent in order would leave it.
    /// </summary>
    private sealed class BranchPuts(Importer importer, ImportRun run, ImportTally tally)
    {
        private readonly Dictionary<string, Task> _last = new(StringComparer.Ordinal);
        private readonly List<Task> _all = [];
        private readonly SemaphoreSlim _slots = new(MaxBranchGrainCalls);

        public async Task AddAsync(ReadRow row, BranchProfile profile)
        {
            var branchId = row.Row!.Id!;
            await _slots.WaitAsync();
            var task = RunAsync(row, profile, _last.GetValueOrDefault(branchId));
            _last[branchId] = task;
            _all.Add(task);
        }

        /// <summary>Waits for every branch row sent; a row's failure (the database away) ends the import.</summary>
        public async Task DrainAsync()
        {
            if (_all.Count == 0) return;
            await Task.WhenAll(_all);
            _all.Clear();
            _last.Clear();
        }

        private async Task RunAsync(ReadRow row, BranchProfile profile, Task? before)
        {
            try
            {
                // An earlier row's failure stops the import; DrainAsync reports it.
                if (before is not null) await before.ContinueWith(_ => { }, TaskScheduler.Default);
                await importer.PutBranchAsync(row, profile, run, tally);
            }
            finally
            {
                _slots.Release();
            }
        }
    }

    /// <summary>Checked rows waiting per branch, and the chunks in flight.</summary>
    private sealed class Chunks(Importer importer, ImportRun run, ImportTally tally)
    {
        private readonly Dictionary<string, List<(ReadRow Row, RecordData Data)>> _waiting = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<(Task Task, HashSet<string> Records)>> _running = new(StringComparer.Ordinal);
        private readonly List<Task> _all = [];
        private readonly SemaphoreSlim _slots = new(MaxChunksInFlight);
        private int _waitingRows;

        public async Task AddAsync(ReadRow row, RecordData data)
        {
            var branchId = row.Row!.BranchId!;
            if (!_waiting.TryGetValue(branchId, out var rows)) _waiting[branchId] = rows = [];
            rows.Add((row, data));
            _waitingRows++;
            if (rows.Count >= ChunkRows) await SendAsync(branchId);
            else if (_waitingRows >= MaxWaitingRows) foreach (var waiting in _waiting.Keys.ToList()) await SendAsync(waiting);
        }

        /// <summary>Sends what waits and waits for every chunk; a chunk's failure (the database away) ends the import.</summary>
        public async Task DrainAsync()
        {
            foreach (var branchId in _waiting.Keys.ToList()) await SendAsync(branchId);
            await Task.WhenAll(_all);
            _all.Clear();
            _running.Clear();
        }

        private async Task SendAsync(string branchId)
        {
            var rows = _waiting[branchId];
            _waiting.Remove(branchId);
            _waitingRows -= rows.Count;
            var records = rows.Select(r => RecordKey(r.Row)).ToHashSet(StringComparer.Ordinal);
            if (!_running.TryGetValue(branchId, out var running)) _running[branchId] = running = [];
            running.RemoveAll(r => r.Task.IsCompletedSuccessfully);
            var before = running.Where(r => r.Records.Overlaps(records)).Select(r => r.Task).ToList();
            await _slots.WaitAsync();
            var task = RunAsync(branchId, rows, before);
            running.Add((task, records));
            _all.Add(task);
        }

        private async Task RunAsync(string branchId, List<(ReadRow Row, RecordData Data)> rows, List<Task> before)
        {
            try
            {
                await Task.WhenAll(before);
                await importer.SendAsync(branchId, rows, run, tally);
            }
            finally
            {
                _slots.Release();
            }
        }
    }
}
