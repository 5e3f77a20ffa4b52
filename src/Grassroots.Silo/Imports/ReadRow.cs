using Grassroots.Silo.Apis;

namespace Grassroots.Silo.Imports;

/// <summary>
/// One row as read from an import body, before it is checked: where it is (its CSV line or its index in its JSON list),
/// its kind, the row (null when it could not be read at all) and the problems found reading its cells.
/// </summary>
public sealed record ReadRow(ImportKind Kind, long? Line, long? Index, IImportRow? Row, IReadOnlyList<(string Field, string Message)> Problems)
{
    /// <summary>The row's position in the body, counted from 0 over every kind (for resuming a job).</summary>
    public long Ordinal { get; init; }

    public ImportConflict Conflict(string field, string message) =>
        new(Kind.Type, field, message) { Line = Line, Index = Index, BranchId = Row?.BranchId, Id = Row?.Id };
}
