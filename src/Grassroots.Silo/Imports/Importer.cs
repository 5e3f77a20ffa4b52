using System.Security.Claims;
using Grassroots.Domain;
using Grassroots.Domain.Branches;
using Grassroots.Domain.Model;
using Grassroots.Domain.Records;
using Grassroots.Domain.SignOff;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Security;
using Grassroots.Storage;

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
/// Imports rows as single PUTs would store them, a chunk of <see cref="ChunkRows"/> at a time and with no grain per row
/// (docs/architecture.md, "The path of an import"): each row is checked by the same field rules, endpoint checks and
/// key scope as its PUT; what the rows name (branches, campaigns, honorees) is looked up once per chunk; every new
/// record or branch of the chunk is then committed as one batch of its own — its row inserted if absent, with the
/// rollup and activity changes its PUT would make. A row whose record or branch was there already is compared with
/// what is stored: unchanged, or refused when voided, or — when it changes it — stored through its grain, exactly as its
/// PUT. Rows of one record or branch are applied in the order they appear. All branch rows are done before the first
/// record row that follows is looked at, so a body can register branches and log their records.
/// </summary>
public sealed class Importer(IGrainFactory grains, Access access, IServiceProvider services, RecordIntake intake, BranchIntake branchIntake,
    RecordStore records, BranchStore branchStore, BranchDirectory branches, TimeProvider clock)
{
    public const int ChunkRows = 5_000;

    /// <summary>Rows between checkpoints of a job.</summary>
    public const int CheckpointEvery = 5_000;

    /// <summary>Chunks committing at once: one per writer lane is enough to keep both busy while the next is read.</summary>
    public const int MaxChunksInFlight = 2;

    /// <summary>Rows stored through their grains at once (existing records or branches that change).</summary>
    public const int MaxGrainCalls = 64;

    public async Task<ImportResult> RunAsync(IAsyncEnumerable<ReadRow> rows, ImportRun run, CancellationToken cancellationToken)
    {
        var tally = run.Resumed is { } resumed ? new ImportTally(resumed) : new ImportTally();
        var chunks = new InFlight();
        var pace = new Pace();
        var records = new List<(ReadRow Row, RecordData Data)>(ChunkRows);
        var branchRows = new List<(ReadRow Row, BranchProfile Profile)>();
        var sinceCheckpoint = 0;

        async Task SendRecordsAsync()
        {
            if (records.Count == 0) return;
            var chunk = records;
            records = new(ChunkRows);
            await chunks.AddAsync(chunk.Count, chunk.Select(r => RecordKey(r.Row)), () => ImportRecordsAsync(chunk, run, tally, pace));
        }

        async Task SendBranchesAsync()
        {
            if (branchRows.Count == 0) return;
            var chunk = branchRows;
            branchRows = [];
            await chunks.AddAsync(chunk.Count, chunk.Select(r => new RowKey(ImportKinds.Branches.Type, r.Row.Row!.Id!, "")), () => ImportBranchesAsync(chunk, run, tally));
        }

        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            if (row.Ordinal < run.Skip) continue;
            tally.Read();
            if (row.Kind is BranchImportKind)
            {
                if (await CheckAsync(row, tally)) branchRows.Add((row, BranchImportKind.ToProfile(row.Row!)));
                if (branchRows.Count >= ChunkRows) await SendBranchesAsync();
            }
            else
            {
                // Branches come before records (ImportShape.ReadRows): once they are stored, who may act for a branch
                // and where its records count are settled for the rest of the run.
                if (branchRows.Count > 0 || chunks.HasBranches)
                {
                    await SendBranchesAsync();
                    await chunks.DrainAsync();
                }
                if (await CheckAsync(row, tally)) records.Add((row, ((RecordImportKind)row.Kind).ToRecord(row.Row!)));
                if (records.Count >= ChunkRows) await SendRecordsAsync();
            }
            if (++sinceCheckpoint >= CheckpointEvery)
            {
                await SendBranchesAsync();
                await SendRecordsAsync();
                await chunks.DrainAsync();
                sinceCheckpoint = 0;
                if (run.Checkpoint is { } checkpoint) await checkpoint(tally.Result(run.DryRun));
            }
        }
        await SendBranchesAsync();
        await SendRecordsAsync();
        await chunks.DrainAsync();
        return tally.Result(run.DryRun);
    }

    /// <summary>Whether the row passes every check a PUT makes before it reaches a grain; else rejects it.</summary>
    private async Task<bool> CheckAsync(ReadRow row, ImportTally tally)
    {
        var problems = row.Problems.Count > 0 || row.Row is null ? row.Problems
            : row.Kind.Rules.Passes(row.Row, services) ? [] : await FieldChecks.ValidateAsync(row.Row, services);
        foreach (var (field, message) in problems) tally.Reject(row, field, message);
        return problems.Count == 0;
    }

    /// <summary>A record or branch a row is about; rows of one key are applied in order.</summary>
    private readonly record struct RowKey(string Type, string BranchId, string Id);

    private static RowKey RecordKey(ReadRow row) => new(row.Kind.Type, row.Row!.BranchId!, row.Row.Id!);

    private static RecordImportKind KindOf(ReadRow row) => (RecordImportKind)row.Kind;

    private static (RecordKind, string, string) StoredKey(LoggedRecord record) => (RecordKinds.Of(record.Data), record.BranchId, record.RecordId);

    /// <summary>Adds the stored records of these rows to <paramref name="stored"/>, one read per kind.</summary>
    private async Task ReadStoredAsync(List<(ReadRow Row, RecordData Data, LoggedRecord After)> rows,
        Dictionary<(RecordKind, string, string), LoggedRecord> stored)
    {
        var byKind = new Dictionary<RecordKind, List<(string, string)>>();
        foreach (var (_, data, after) in rows)
        {
            var kind = RecordKinds.Of(data);
            if (!byKind.TryGetValue(kind, out var keys)) byKind[kind] = keys = new(rows.Count);
            keys.Add((after.BranchId, after.RecordId));
        }
        stored.EnsureCapacity(stored.Count + rows.Count);
        foreach (var (kind, keys) in byKind)
            foreach (var record in await records.ReadManyAsync(kind, keys))
                stored[StoredKey(record)] = record;
    }

    /// <summary>What the chunks of a run have found so far: whether most of their rows were stored already.</summary>
    private sealed class Pace
    {
        public volatile bool MostlyStored;
    }

    /// <summary>
    /// One chunk of record rows through the record intake, as their PUTs would go: each new record checked (its branch,
    /// campaign and honorees looked up once for the chunk) and all committed as one batch; rows whose record is stored
    /// already are compared with it, and those that change it go through its grain.
    /// </summary>
    private async Task ImportRecordsAsync(List<(ReadRow Row, RecordData Data)> rows, ImportRun run, ImportTally tally, Pace pace)
    {
        var allowed = new Dictionary<string, bool>(StringComparer.Ordinal);
        var fresh = new List<(ReadRow Row, RecordData Data)>(rows.Count);
        var later = new List<(ReadRow Row, RecordData Data)>(); // a record's second row in the chunk: a correction of its first
        var seen = new HashSet<RowKey>(rows.Count);
        foreach (var (row, data) in rows)
        {
            var branchId = row.Row!.BranchId!;
            if (!allowed.TryGetValue(branchId, out var may)) allowed[branchId] = may = await access.CanActForBranchAsync(run.User, branchId);
            if (!may) tally.Reject(row, "branchId", Access.RefusedTitle.English);
            else if (!seen.Add(RecordKey(row))) later.Add((row, data));
            else fresh.Add((row, data));
        }

        var news = new NewRecord[fresh.Count];
        for (var i = 0; i < news.Length; i++) news[i] = new NewRecord(fresh[i].Row.Row!.BranchId!, fresh[i].Row.Row!.Id!, fresh[i].Data);
        var prepared = await intake.PrepareAsync(news, run.Actor);
        var created = new List<(ReadRow Row, RecordData Data, LoggedRecord After)>(fresh.Count);
        for (var i = 0; i < fresh.Count; i++)
        {
            var (row, data) = fresh[i];
            if (prepared[i].Broken is { } broken) tally.Reject(row, KindOf(row).Field(row.Row!, data, broken.Field), broken.Message);
            else created.Add((row, data, prepared[i].Record!));
        }

        // Where the chunk before found most of its rows stored already (a file imported again), the chunk's records are read
        // first, so a stored one costs a read and no attempt to insert it; otherwise the new ones are inserted if absent and
        // those found there are read after. A dry run reads them all.
        var stored = new Dictionary<(RecordKind, string, string), LoggedRecord>();
        List<(ReadRow Row, RecordData Data, LoggedRecord After)> existing = [], toCommit = created;
        if (run.DryRun || pace.MostlyStored)
        {
            await ReadStoredAsync(created, stored);
            // A dry run commits nothing and looks at every record as it is (stored or not): the list itself, not a copy.
            toCommit = run.DryRun ? [] : [.. created.Where(c => !stored.ContainsKey(StoredKey(c.After)))];
            existing = run.DryRun ? created : [.. created.Where(c => stored.ContainsKey(StoredKey(c.After)))];
        }
        if (toCommit.Count > 0)
        {
            var conflicting = new List<(ReadRow Row, RecordData Data, LoggedRecord After)>();
            var outcomes = await intake.CommitNewAsync([.. toCommit.Select(c => c.After)], run.Actor);
            for (var i = 0; i < toCommit.Count; i++)
            {
                var (row, data, _) = toCommit[i];
                switch (outcomes[i])
                {
                    case null: tally.Count(PutResult.Created); break;
                    case PeriodLockedException locked: RejectLocked(row, data, locked, tally); break;
                    case WriteConflictException: conflicting.Add(toCommit[i]); break;
                    case var error: tally.Reject(row, "row", error.Message); break;
                }
            }
            await ReadStoredAsync(conflicting, stored);
            existing.AddRange(conflicting);
        }
        if (!run.DryRun) pace.MostlyStored = existing.Count * 2 > created.Count;

        var changed = new List<(ReadRow Row, RecordData Data)>();
        var locks = new Dictionary<Placement, PeriodLockedException?>();
        foreach (var (row, data, after) in existing)
        {
            switch (stored.GetValueOrDefault(StoredKey(after)))
            {
                case null when await FindLockAsync(after.Placement, locks) is { } locked: RejectLocked(row, data, locked, tally); break;
                case null: tally.Count(PutResult.Created); break; // a dry run's new record
                case { Voided: true }: tally.Reject(row, "id", $"The {RecordKinds.Of(data).Name} '{row.Row!.Id}' was voided and cannot be changed."); break;
                case var before when before.Data.Equals(data): tally.Count(PutResult.Unchanged); break;
                case var before when run.DryRun && await DryLockAsync(before, data, locks) is { } locked: RejectLocked(row, data, locked, tally); break;
                default: changed.Add((row, data)); break;
            }
        }
        if (run.DryRun)
        {
            foreach (var _ in changed.Concat(later)) tally.Count(PutResult.Updated);
            return;
        }
        await ThroughGrainsAsync(changed.Concat(later), r => RecordKey(r.Row), r => PutRecordAsync(r.Row, r.Data, run.Actor, tally));
    }

    /// <summary>
    /// One chunk of branch rows, as their PUTs: the same access rule (refused rows name the region when it is outside a
    /// region-admin's subtree, else the id) and region rule; new branches registered as one batch, the rest compared with
    /// what is stored and, where they change it, stored through their grains.
    /// </summary>
    private async Task ImportBranchesAsync(List<(ReadRow Row, BranchProfile Profile)> rows, ImportRun run, ImportTally tally)
    {
        var counties = await branches.CountiesOfAsync(rows.Select(r => r.Row.Row!.Id!));
        var now = clock.Now();
        var fresh = new List<(ReadRow Row, BranchProfile Profile)>();
        var known = new List<(ReadRow Row, BranchProfile Profile)>();
        var later = new List<(ReadRow Row, BranchProfile Profile)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (row, profile) in rows)
        {
            var branchId = row.Row!.Id!;
            if (!await access.CanManageBranchAsync(run.User, branchId, profile.RegionCode))
            {
                var outside = KeyHolder.From(run.User)?.Role == Roles.RegionAdmin && !access.CanReadRegion(run.User, profile.RegionCode);
                tally.Reject(row, outside ? "regionCode" : "id", Access.RefusedTitle.English);
                continue;
            }
            try
            {
                branchIntake.Check(profile);
            }
            catch (FieldValidationException e)
            {
                tally.Reject(row, e.Field, e.Message);
                continue;
            }
            if (!seen.Add(branchId)) later.Add((row, profile));
            else if (counties.GetValueOrDefault(branchId) is null && !run.DryRun) fresh.Add((row, profile));
            else known.Add((row, profile));
        }

        var errors = await branchIntake.RegisterNewAsync([.. fresh.Select(f => (f.Row.Row!.Id!, f.Profile))], now, run.Actor);
        for (var i = 0; i < fresh.Count; i++)
        {
            switch (errors[i])
            {
                case null: tally.Count(PutResult.Created); break;
                case WriteConflictException: known.Add(fresh[i]); break;
                case var error: tally.Reject(fresh[i].Row, "row", error.Message); break;
            }
        }

        var stored = await branchStore.ReadManyAsync([.. known.Select(k => k.Row.Row!.Id!)]);
        var changed = new List<(ReadRow Row, BranchProfile Profile)>();
        foreach (var (row, profile) in known)
        {
            switch (stored.GetValueOrDefault(row.Row!.Id!))
            {
                case null: tally.Count(PutResult.Created); break; // a dry run's new branch
                case var before when before.Equals(profile): tally.Count(PutResult.Unchanged); break;
                default: changed.Add((row, profile)); break;
            }
        }
        if (run.DryRun)
        {
            foreach (var _ in changed.Concat(later)) tally.Count(PutResult.Updated);
            return;
        }
        await ThroughGrainsAsync(changed.Concat(later), r => r.Row.Row!.Id!, async r =>
        {
            try
            {
                tally.Count((await grains.GetGrain<Domain.Branches.IBranchGrain>(r.Row.Row!.Id!).PutAsync(r.Profile, run.Actor)).Result);
            }
            catch (Exception error) when (Explain(error, field => field) is var (field, message))
            {
                tally.Reject(r.Row, field, message);
            }
        });
    }

    /// <summary>Rows through their grains, <see cref="MaxGrainCalls"/> at once; rows of one key in order.</summary>
    private static Task ThroughGrainsAsync<T, TKey>(IEnumerable<T> rows, Func<T, TKey> key, Func<T, Task> put) =>
        Parallel.ForEachAsync(rows.GroupBy(key), new ParallelOptions { MaxDegreeOfParallelism = MaxGrainCalls }, async (group, _) =>
        {
            foreach (var row in group) await put(row);
        });

    /// <summary>What a dry run's change of a stored record would meet: the lock where it counts now, or where it would count after.</summary>
    private async Task<PeriodLockedException?> DryLockAsync(LoggedRecord before, RecordData data, Dictionary<Placement, PeriodLockedException?> known) =>
        await FindLockAsync(before.Placement, known) ?? await FindLockAsync((before with { Data = data, Voided = false }).Placement, known);

    /// <summary>The lock a dry run's record would meet where it counts, found once per campaign, day and county of a chunk: its rows share few.</summary>
    private async ValueTask<PeriodLockedException?> FindLockAsync(Placement? placement, Dictionary<Placement, PeriodLockedException?> known)
    {
        if (placement is null) return null;
        if (!known.TryGetValue(placement, out var found)) known[placement] = found = await intake.FindLockAsync(placement);
        return found;
    }

    /// <summary>A row refused for a signed-off period: a conflict naming its date field.</summary>
    private static void RejectLocked(ReadRow row, RecordData data, PeriodLockedException locked, ImportTally tally) =>
        tally.Reject(row, ((RecordImportKind)row.Kind).Field(row.Row!, data, RecordKinds.Of(data).DateField), locked.Message);

    /// <summary>One row through its record grain, exactly as its PUT.</summary>
    private async Task PutRecordAsync(ReadRow row, RecordData data, string actor, ImportTally tally)
    {
        try
        {
            tally.Count((await KindOf(row).PutAsync(grains, row.Row!.BranchId!, row.Row.Id!, data, actor)).Result);
        }
        catch (PeriodLockedException locked)
        {
            RejectLocked(row, data, locked, tally);
        }
        catch (Exception error) when (Explain(error, field => KindOf(row).Field(row.Row!, data, field)) is var (field, message))
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
    /// Chunks committing, at most <see cref="MaxChunksInFlight"/>: a chunk that shares a record or branch with one still
    /// running waits for it, so rows of one record are applied in the order they appear.
    /// </summary>
    private sealed class InFlight
    {
        private readonly List<(Task Task, HashSet<RowKey> Keys, bool Branches)> _running = [];

        public bool HasBranches => _running.Any(r => r.Branches);

        public async Task AddAsync(int count, IEnumerable<RowKey> keys, Func<Task> run)
        {
            var held = new HashSet<RowKey>(count);
            foreach (var key in keys) held.Add(key);
            _running.RemoveAll(r => r.Task.IsCompletedSuccessfully);
            while (_running.Count >= MaxChunksInFlight) await Task.WhenAny(_running.Select(r => r.Task)).ContinueWith(_ => Prune());
            var before = _running.Where(r => r.Keys.Overlaps(held)).Select(r => r.Task).ToList();
            var task = before.Count == 0 ? run() : Task.WhenAll(before).ContinueWith(_ => run(), TaskScheduler.Default).Unwrap();
            _running.Add((task, held, held.Any(k => k.Type == ImportKinds.Branches.Type)));
        }

        /// <summary>Waits for every chunk; a chunk's failure (the database away) ends the import.</summary>
        public async Task DrainAsync()
        {
            var all = _running.Select(r => r.Task).ToList();
            _running.Clear();
            await Task.WhenAll(all);
        }

        private void Prune()
        {
            var failed = _running.FirstOrDefault(r => r.Task.IsFaulted);
            if (failed.Task is not null) failed.Task.GetAwaiter().GetResult();
            _running.RemoveAll(r => r.Task.IsCompleted);
        }
    }
}

