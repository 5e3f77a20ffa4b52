namespace Grassroots.Silo.Imports;

/// <summary>
/// A large import run in the background (<c>POST /api/imports?async=true</c>), keyed by its import id. Its progress and
/// summary are its Orleans grain state; its body waits in <see cref="ImportUploadStore"/>. A reminder brings it back after a
/// silo restart, and it goes on from its last checkpoint.
/// </summary>
[Alias("import-job-grain")]
public interface IImportJobGrain : IGrainWithStringKey
{
    /// <summary>Queues the job (its body already stored) and starts it; starting an existing job changes nothing.</summary>
    [Alias("start")]
    Task<ImportJobStatus> StartAsync(ImportJobSpec spec);

    /// <summary>The job's state and counts so far; null for an unknown id. Resumes a job that nothing runs.</summary>
    [AlwaysInterleave, Alias("get")]
    Task<ImportJobStatus?> GetAsync();
}

/// <summary>What to import and as whom: the body's format, dry or not, the key that asked (its id, role and scope).</summary>
[GenerateSerializer, Immutable, Alias("import-job-spec")]
public sealed record ImportJobSpec(
    [property: Orleans.Id(0)] string Format,
    [property: Orleans.Id(1)] bool DryRun,
    [property: Orleans.Id(2)] string Actor,
    [property: Orleans.Id(3)] string KeyId,
    [property: Orleans.Id(4)] string Role,
    [property: Orleans.Id(5)] string Scope,
    [property: Orleans.Id(6)] long Rows);

[GenerateSerializer, Immutable, Alias("import-job-status")]
public sealed record ImportJobStatus(
    [property: Orleans.Id(0)] string State,
    [property: Orleans.Id(1)] ImportJobSpec Spec,
    [property: Orleans.Id(2)] ImportResult Result,
    [property: Orleans.Id(3)] DateTimeOffset CreatedAt,
    [property: Orleans.Id(4)] DateTimeOffset? StartedAt,
    [property: Orleans.Id(5)] DateTimeOffset? FinishedAt,
    [property: Orleans.Id(6)] string? Error);

public static class ImportJobStates
{
    public const string Queued = "queued", Running = "running", Done = "done", Failed = "failed";
}
