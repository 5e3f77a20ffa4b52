using Grassroots.Domain.Model;

namespace Grassroots.Silo.Imports;

/// <summary>
/// The running counts of an import, safe to add to from concurrent rows; the conflicts are kept in row order and the
/// first <see cref="MaxConflicts"/> are listed, while every rejected row is counted.
/// </summary>
public sealed class ImportTally
{
    public const int MaxConflicts = 1_000;

    private readonly List<ImportConflict> _conflicts = [];
    private readonly HashSet<long> _rejected = [];
    private long _read, _imported, _updated, _unchanged, _rejectedCount;

    public ImportTally() { }

    /// <summary>A tally resumed from a saved one (an import job after a restart).</summary>
    public ImportTally(ImportResult saved)
    {
        (_read, _imported, _updated, _unchanged, _rejectedCount) = (saved.RowsRead, saved.Imported, saved.Updated, saved.Unchanged, saved.Rejected);
        _conflicts.AddRange(saved.Conflicts);
    }

    public void Read() => Interlocked.Increment(ref _read);

    public void Count(PutResult result)
    {
        switch (result)
        {
            case PutResult.Created: Interlocked.Increment(ref _imported); break;
            case PutResult.Updated: Interlocked.Increment(ref _updated); break;
            default: Interlocked.Increment(ref _unchanged); break;
        }
    }

    /// <summary>Rejects the row (counted once, however many of its fields are wrong) for this reason.</summary>
    public void Reject(ReadRow row, string field, string message)
    {
        lock (_conflicts)
        {
            if (_rejected.Add(row.Ordinal)) _rejectedCount++;
            if (_conflicts.Count < MaxConflicts) _conflicts.Add(row.Conflict(field, message));
        }
    }

    public long RowsRead => Interlocked.Read(ref _read);

    public ImportResult Result(bool dryRun)
    {
        lock (_conflicts)
        {
            // Rows finish out of order; the report reads top to bottom.
            var ordered = _conflicts.OrderBy(c => c.Line ?? -1).ThenBy(c => c.Type, StringComparer.Ordinal).ThenBy(c => c.Index ?? -1).ToList();
            return new ImportResult(dryRun, RowsRead, Interlocked.Read(ref _imported), Interlocked.Read(ref _updated),
                Interlocked.Read(ref _unchanged), _rejectedCount, ordered);
        }
    }
}
