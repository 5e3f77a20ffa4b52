using Grassroots.Silo.Apis;

namespace Grassroots.Silo.Imports;

/// <summary>
/// One row as read from an import body, before it is checked: its kind, its position in the body counted from 0 over
/// every kind (<see cref="Ordinal"/>, for resuming a job), where it is (its CSV line or sheet row, or its index in its
/// JSON list), the row (null when it could not be read at all) and the problems found reading its cells.
/// </summary>
public sealed record ReadRow(ImportKind Kind, long Ordinal, long? Line, long? Index, IImportRow? Row, IReadOnlyList<(string Field, string Message)> Problems)
{
    /// <summary>The table a CSV or Excel row is in: the sheet, and each field's column letter.</summary>
    public TablePlace? Place { get; init; }

    public ImportConflict Conflict(string field, string message) => new(Kind.Type, field, message)
    {
        Line = Line, Index = Index, BranchId = Row?.BranchId, Id = Row?.Id, Sheet = Place?.Sheet, Column = Place?.ColumnOf(field),
    };
}
