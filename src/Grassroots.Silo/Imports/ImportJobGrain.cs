using Grassroots.Domain;
using Grassroots.Silo.Security;
using Grassroots.Storage;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Grassroots.Silo.Imports;

/// <summary>
/// Runs one import job on a grain timer, so that reads of its progress interleave with the run. Every
/// <see cref="Importer.CheckpointEvery"/> rows, once all rows read so far are done, it writes its counts as grain state;
/// after a restart its reminder (or the next read of it) starts it again from there, and the rows already done are not
/// counted twice. When it is done its body is deleted and its reminder dropped.
/// </summary>
[GrainType(Constants.GrainTypes.ImportJob)]
public sealed class ImportJobGrain(
    [PersistentState(Constants.StateNames.ImportJob, Constants.GrainStorage)] IPersistentState<ImportJobState> state,
    Importer importer, ImportUploadStore uploads, IOptions<JsonOptions> json, TimeProvider clock, IOptions<ImportJobOptions> options,
    ILogger<ImportJobGrain> logger) : Grain, IImportJobGrain, IRemindable
{
    private const string Reminder = "resume";
    private IGrainTimer? _run;

    public async Task<ImportJobStatus> StartAsync(ImportJobSpec spec)
    {
        if (state.State.Spec is null)
        {
            state.State = new ImportJobState { Spec = spec, State = ImportJobStates.Queued, CreatedAt = clock.GetUtcNow(), Result = Empty(spec) };
            await state.WriteStateAsync();
            await this.RegisterOrUpdateReminder(Reminder, options.Value.ResumeEvery, options.Value.ResumeEvery);
        }
        Run();
        return Status()!;
    }

    public Task<ImportJobStatus?> GetAsync()
    {
        if (state.State.Spec is not null) Run();
        return Task.FromResult(Status());
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (state.State.State is ImportJobStates.Done or ImportJobStates.Failed || state.State.Spec is null)
        {
            // A silo that stopped between writing "done" and deleting the body left both behind: finish now.
            await FinishAsync();
            return;
        }
        Run();
    }

    /// <summary>Starts the run unless it is running here or finished.</summary>
    private void Run()
    {
        if (_run is not null || state.State.State is ImportJobStates.Done or ImportJobStates.Failed) return;
        _run = this.RegisterGrainTimer(RunAsync, new GrainTimerCreationOptions
        {
            DueTime = TimeSpan.Zero, Period = Timeout.InfiniteTimeSpan, Interleave = true, KeepAlive = true,
        });
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var job = state.State;
        var spec = job.Spec!;
        try
        {
            job.State = ImportJobStates.Running;
            job.StartedAt ??= clock.GetUtcNow();
            await state.WriteStateAsync();

            var format = ImportFormat.Parse(spec.Format);
            var user = new KeyHolder(spec.KeyId, spec.Role, spec.Scope).ToPrincipal("import-job", spec.Actor);
            var importId = this.GetPrimaryKeyString();
            var rows = ImportShape.ReadRows(() => uploads.Open(importId), format, json.Value.SerializerOptions, parse: true, cancellationToken);
            var result = await importer.RunAsync(rows, new ImportRun(spec.DryRun, spec.Actor, user)
            {
                Skip = job.Result!.RowsRead,
                Resumed = job.Result,
                Checkpoint = async progress =>
                {
                    job.Result = progress;
                    await state.WriteStateAsync();
                },
            }, cancellationToken);
            job.Result = result;
            job.State = ImportJobStates.Done;
            job.FinishedAt = clock.GetUtcNow();
            await state.WriteStateAsync();
            await FinishAsync();
        }
        catch (Exception error) when (!IsTransient(error))
        {
            logger.LogError(error, "Import job {ImportId} failed", this.GetPrimaryKeyString());
            job.State = ImportJobStates.Failed;
            // Kept for whoever reads the job later, in English as its conflicts are.
            job.Error = error is ImportFormatException ? error.Message : new Message(MessageKeys.ImportFailed).English;
            job.FinishedAt = clock.GetUtcNow();
            await state.WriteStateAsync();
            await FinishAsync();
        }
        catch (Exception error)
        {
            // The database or a silo is away: the reminder tries again from the last checkpoint.
            logger.LogWarning(error, "Import job {ImportId} paused; it resumes from its last checkpoint", this.GetPrimaryKeyString());
        }
        finally
        {
            _run?.Dispose();
            _run = null;
        }
    }

    /// <summary>Deletes the body and drops the reminder; runs after the final state is written, so it may run again.</summary>
    private async Task FinishAsync()
    {
        await uploads.DeleteAsync(this.GetPrimaryKeyString());
        if (await this.GetReminder(Reminder) is { } reminder) await this.UnregisterReminder(reminder);
    }

    private static bool IsTransient(Exception error) => error is ServiceUnavailableException or TimeoutException or OrleansException
        || StorageFailures.IsUnavailable(error);

    private ImportJobStatus? Status() => state.State is { Spec: { } spec } job
        ? new ImportJobStatus(job.State, spec, job.Result ?? Empty(spec), job.CreatedAt, job.StartedAt, job.FinishedAt, job.Error)
        : null;

    private static ImportResult Empty(ImportJobSpec spec) => new(spec.DryRun, 0, 0, 0, 0, 0, []);
}

/// <summary>The stored state of an import job; empty until it is started.</summary>
[GenerateSerializer, Alias("import-job-state")]
public sealed class ImportJobState
{
    [Orleans.Id(0)] public ImportJobSpec? Spec { get; set; }
    [Orleans.Id(1)] public string State { get; set; } = ImportJobStates.Queued;
    [Orleans.Id(2)] public ImportResult? Result { get; set; }
    [Orleans.Id(3)] public DateTimeOffset CreatedAt { get; set; }
    [Orleans.Id(4)] public DateTimeOffset? StartedAt { get; set; }
    [Orleans.Id(5)] public DateTimeOffset? FinishedAt { get; set; }
    [Orleans.Id(6)] public string? Error { get; set; }
}

/// <summary>How often a job's reminder looks for a job that a restart interrupted (Orleans' minimum is one minute by default).</summary>
public sealed class ImportJobOptions
{
    public TimeSpan ResumeEvery { get; set; } = TimeSpan.FromMinutes(1);
}
