using System.Text.Json.Serialization;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Branches;
using Grassroots.Silo.Records;
using Microsoft.Extensions.Validation;
using IdAttribute = Grassroots.Silo.Apis.IdAttribute;
using RequiredAttribute = Grassroots.Silo.Apis.RequiredAttribute;

namespace Grassroots.Silo.Imports;

// Wire shapes of bulk imports. A row is the request a single PUT takes plus the two ids its path carries, so every field
// keeps the rule stated on the request and a row is checked exactly as that PUT is; a record kind's row is beside its
// request in the kind's file (StudySessionsApi.cs…).

/// <summary>
/// A branch to register or correct: the body of <c>PUT /api/branches/{branchId}</c> plus the id its path carries. The
/// branch is its own key, so <see cref="IImportRow.BranchId"/> is the id (and is not a field of its own).
/// </summary>
[ValidatableType]
public sealed record BranchImportRow : BranchRequest, IImportRow
{
    public BranchImportRow() : base(null, null, null, null, null) { }

    [Required, Id] public string? Id { get; init; }

    string? IImportRow.BranchId => Id;
}

/// <summary>
/// A JSON import: any of the five lists, each optional (CSV carries one kind per file, named by ?type=). Branches are
/// applied before the records of the same body, wherever their list stands in it. This type only describes the body in
/// the OpenAPI document (the reader takes each list by its kind's JSON name); RecordResourcesTests checks it lists every
/// kind of <see cref="RecordApis.All"/> by its JSON name and row type.
/// </summary>
public sealed record ImportBody
{
    public IReadOnlyList<BranchImportRow>? Branches { get; init; }
    public IReadOnlyList<StudySessionImportRow>? StudySessions { get; init; }
    public IReadOnlyList<HonoreeTalkImportRow>? HonoreeTalks { get; init; }
    public IReadOnlyList<PublicityImportRow>? Publicity { get; init; }
    public IReadOnlyList<CompetitionImportRow>? Competitions { get; init; }
}

/// <summary>
/// What an import did. <see cref="Imported"/> rows were new records, <see cref="Updated"/> corrected one,
/// <see cref="Unchanged"/> matched what was stored, <see cref="Rejected"/> stored nothing; <see cref="Conflicts"/> says why,
/// per row and field (at most <see cref="ImportSummary.MaxConflicts"/> listed; every rejected row is counted).
/// In a dry run the counts say what the import would do, and nothing is stored.
/// </summary>
[GenerateSerializer, Immutable, Alias("import-result")]
public sealed record ImportResult(
    [property: Orleans.Id(0)] bool DryRun,
    [property: Orleans.Id(1)] long RowsRead,
    [property: Orleans.Id(2)] long Imported,
    [property: Orleans.Id(3)] long Updated,
    [property: Orleans.Id(4)] long Unchanged,
    [property: Orleans.Id(5)] long Rejected,
    [property: Orleans.Id(6)] IReadOnlyList<ImportConflict> Conflicts);

/// <summary>
/// Why a row was rejected: its <see cref="Line"/> in a CSV file or an Excel sheet (as a spreadsheet numbers it, the header
/// being line 1) or its <see cref="Index"/> in its JSON list, the field (a JSON path within the row, "row" for the row as a
/// whole) and the message a single PUT would have answered; for a CSV or Excel row also the <see cref="Column"/> letter of
/// the field, and for an Excel row its <see cref="Sheet"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("import-conflict")]
public sealed record ImportConflict(
    [property: Orleans.Id(2)] string Type,
    [property: Orleans.Id(5)] string Field,
    [property: Orleans.Id(6)] string Message)
{
    [Orleans.Id(0), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? Line { get; init; }
    [Orleans.Id(1), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public long? Index { get; init; }
    [Orleans.Id(3), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? BranchId { get; init; }
    [Orleans.Id(4), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Id { get; init; }
    [Orleans.Id(7), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Sheet { get; init; }
    [Orleans.Id(8), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Column { get; init; }
}

/// <summary>The answer to an asynchronous import: where to ask for its progress.</summary>
public sealed record ImportAccepted(string ImportId);

/// <summary>An import job: queued, running (with the rows read so far), then done with its summary, or failed.</summary>
public sealed record ImportJobResponse(string ImportId, string State, bool DryRun, long RowsRead, long Imported, long Updated,
    long Unchanged, long Rejected, IReadOnlyList<ImportConflict> Conflicts, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt)
{
    /// <summary>Why a failed job failed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Error { get; init; }

    /// <summary>The rows the body holds, so that <see cref="RowsRead"/> shows how far the job has come.</summary>
    public long RowsTotal { get; init; }
}
