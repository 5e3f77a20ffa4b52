using Grassroots.Domain.Model;

namespace Grassroots.Domain.Contracts;

/// <summary>Records of one branch, one kind each, to import at once; a dry run decides every row and stores nothing.</summary>
[GenerateSerializer, Immutable, Alias("record-import")]
public sealed record RecordImport(
    [property: Id(0)] IReadOnlyList<ImportedRecord> Records,
    [property: Id(1)] string Actor,
    [property: Id(2)] bool DryRun);

[GenerateSerializer, Immutable, Alias("imported-record")]
public sealed record ImportedRecord([property: Id(0)] string RecordId, [property: Id(1)] RecordData Data);

/// <summary>
/// What became of one imported record: created, updated (a dry run's verdict), unchanged, rejected (naming the field, as
/// a PUT's 400 or 409 would), or to be stored through its record grain (an existing record that changes).
/// </summary>
[GenerateSerializer, Immutable, Alias("import-outcome")]
public sealed record ImportOutcome(
    [property: Id(0)] ImportOutcomeKind Kind,
    [property: Id(1)] string? Field = null,
    [property: Id(2)] string? Message = null);

[GenerateSerializer, Alias("import-outcome-kind")]
public enum ImportOutcomeKind { Created, Updated, Unchanged, Rejected, ThroughRecordGrain }
