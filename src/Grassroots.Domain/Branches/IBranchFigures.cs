using Grassroots.Domain.Model;

namespace Grassroots.Domain.Branches;

/// <summary>
/// A branch's figures as its records add them up, per campaign and day (non-voided records only). The records feature
/// answers it from its tables; the branch asks without depending on records.
/// </summary>
public interface IBranchFigures
{
    Task<List<(string Campaign, DateOnly Day, Figures Figures)>> BranchFiguresAsync(string branchId);
}
