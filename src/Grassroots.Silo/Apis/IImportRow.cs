namespace Grassroots.Silo.Apis;

/// <summary>What every import row carries besides its record: the branch and the record's id, as a PUT's path does.</summary>
public interface IImportRow
{
    string? BranchId { get; }
    string? Id { get; }
}
