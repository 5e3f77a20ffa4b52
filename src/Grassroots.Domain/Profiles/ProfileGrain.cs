using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Rollups;
using Grassroots.Storage;

namespace Grassroots.Domain.Profiles;

/// <summary>
/// An entity kept as one versioned fact row (branch, honoree), owned by its grain and read when the grain activates:
/// PUT creates or corrects it, the same PUT twice changes nothing, a correction is logged with its before and after (a
/// creation is its own row, with who and when). Creating is an insert if absent; only when the row was there after all
/// (registered in bulk since the grain read it, or the grain briefly active on two silos) is it read again and the PUT
/// decided again. A read never trusts "no such row" it read earlier.
/// </summary>
public abstract class ProfileGrain<T>(ProfileStore<T> store, FactCommitter committer, TimeProvider clock) : Grain where T : class
{
    private bool _stale;

    protected abstract string Entity { get; }

    /// <summary>Checks references; throws <see cref="FieldValidationException"/>.</summary>
    protected virtual void Check(T value) { }

    /// <summary>
    /// Everything the change writes, as one unit: the row (inserted if absent, or updated at the version read), and for a
    /// correction its change-log entry with before and after. A branch's come from its intake, which an import shares.
    /// </summary>
    protected virtual List<RowWrite> Writes(Versioned<T>? before, Versioned<T> after, string actor)
    {
        List<RowWrite> writes = [store.Put(Key, after, before?.Version ?? 0)];
        if (before is not null)
        {
            var (branchId, regionCode) = Owner(after.Value);
            writes.Add(ChangeLog.Entry(after.UpdatedAt, actor, Entity, Key, "update", before.Value, after.Value, branchId, regionCode));
        }
        return writes;
    }

    /// <summary>The branch and region a change belongs to, for the change log (so audits scope it like reads).</summary>
    protected virtual (string? BranchId, string? RegionCode) Owner(T value) => (null, null);

    /// <summary>Runs once a change has committed, before it is acknowledged.</summary>
    protected virtual Task OnCommittedAsync(Versioned<T>? before, Versioned<T> after) => Task.CompletedTask;

    protected string Key => this.GetPrimaryKeyString();
    protected Versioned<T>? Current { get; private set; }
    protected TimeProvider Clock => clock;

    public override Task OnActivateAsync(CancellationToken cancellationToken) => LoadAsync();

    public async Task<Versioned<T>?> GetAsync()
    {
        if (Current is null) await LoadAsync();
        return Current;
    }

    public Task<Saved<T>> PutAsync(T value, string actor) => Contention.RetryAsync(ServiceProvider, () => TryPutAsync(value, actor), () => _stale = true);

    private async Task<Saved<T>> TryPutAsync(T value, string actor)
    {
        if (_stale) await LoadAsync();
        var before = Current;
        if (before is not null && before.Value.Equals(value)) return new Saved<T>(PutResult.Unchanged, before);
        Check(value);
        var now = clock.Now();
        var after = new Versioned<T>(value, (before?.Version ?? 0) + 1, before?.CreatedAt ?? now, now, before?.CreatedBy ?? actor);
        await committer.CommitAsync(new WriteUnit(Writes(before, after, actor)));
        Current = after;
        await OnCommittedAsync(before, after);
        return new Saved<T>(before is null ? PutResult.Created : PutResult.Updated, after);
    }

    private async Task LoadAsync()
    {
        Current = await store.ReadAsync(Key);
        _stale = false;
    }
}
