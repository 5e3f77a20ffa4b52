using System.Data.Common;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Storage;

namespace Grassroots.Domain.Grains;

/// <summary>
/// An entity kept as one versioned fact row (branch, honoree): loaded when the grain activates, PUT creates or
/// corrects it, the same PUT twice changes nothing, every change is logged, and a version conflict (the grain briefly
/// active on two silos) reloads the row and decides again.
/// </summary>
public abstract class ProfileGrain<T>(Database database, GroupCommitter committer, TimeProvider clock) : Grain where T : class
{
    private bool _stale = true;

    protected abstract Table Table { get; }
    protected abstract string Entity { get; }

    /// <summary>The value columns of <see cref="Table"/> before created_at and updated_at.</summary>
    protected abstract object?[] Columns(T value);

    /// <summary>Reads the value from a row selected as key, value columns, created_at, updated_at, version.</summary>
    protected abstract T Read(DbDataReader reader);

    /// <summary>Checks references; throws <see cref="FieldValidationException"/>.</summary>
    protected virtual void Check(T value) { }

    /// <summary>Further writes that must commit with the change (e.g. registered-branch counts).</summary>
    protected virtual IEnumerable<RowWrite> ExtraWrites(Versioned<T>? before, Versioned<T> after) => [];

    protected string Key => this.GetPrimaryKeyString();
    protected Versioned<T>? Current { get; private set; }
    protected GroupCommitter Committer => committer;
    protected Database Database => database;
    protected TimeProvider Clock => clock;

    public override Task OnActivateAsync(CancellationToken cancellationToken) => LoadAsync();

    public async Task<Versioned<T>?> GetAsync()
    {
        if (_stale) await LoadAsync();
        return Current;
    }

    public Task<Saved<T>> PutAsync(T value, string actor) => Contention.RetryAsync(() => TryPutAsync(value, actor), () => _stale = true);

    private async Task<Saved<T>> TryPutAsync(T value, string actor)
    {
        if (_stale) await LoadAsync();
        var before = Current;
        if (before is not null && before.Value.Equals(value)) return new Saved<T>(PutResult.Unchanged, before);
        Check(value);
        var now = clock.Now();
        var after = new Versioned<T>(value, (before?.Version ?? 0) + 1, before?.CreatedAt ?? now, now);
        List<RowWrite> writes =
        [
            new VersionedPut(Table, [Key], [.. Columns(value), after.CreatedAt, after.UpdatedAt], before?.Version ?? 0),
            ChangeLog.Entry(now, actor, Entity, Key, before is null ? "create" : "update", before?.Value, value),
            .. ExtraWrites(before, after),
        ];
        await committer.CommitAsync(new WriteUnit(writes)).Translated();
        Current = after;
        return new Saved<T>(before is null ? PutResult.Created : PutResult.Updated, after);
    }

    protected virtual async Task LoadAsync()
    {
        var rows = await database.QueryAsync(
            $"SELECT {Table.ColumnList}, version FROM {Table.Name} WHERE {Table.Key[0]} = $1",
            [Key], r =>
            {
                var n = Table.Values.Length;
                return new Versioned<T>(Read(r), r.Long(n + 1), r.Timestamp(n - 1), r.Timestamp(n));
            }).Translated();
        Current = rows.FirstOrDefault();
        _stale = false;
    }
}
