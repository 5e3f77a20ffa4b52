using System.Data.Common;
using Grassroots.Domain.Model;
using Grassroots.Storage;

namespace Grassroots.Domain.Profiles;

/// <summary>
/// The data module of an entity kept as one versioned fact row (branch, honoree): the row a change writes and how rows
/// read back. Its grain keeps the rules of a change; this alone knows the table's SQL.
/// </summary>
public abstract class ProfileStore<T>(Database database, Table table) where T : class
{
    public Table Table => table;

    protected Database Database => database;

    /// <summary>The value columns of <see cref="Table"/> before created_at, updated_at and created_by.</summary>
    protected abstract object?[] Columns(T value);

    /// <summary>Reads the value from a row selected as key, value columns, created_at, updated_at, created_by[, version].</summary>
    protected abstract T Read(DbDataReader reader);

    /// <summary>The row a change writes: inserted if absent (<paramref name="versionRead"/> 0), else updated at the version read.</summary>
    public VersionedPut Put(string key, Versioned<T> after, long versionRead) =>
        new(table, [key], [.. Columns(after.Value), after.CreatedAt, after.UpdatedAt, after.CreatedBy], versionRead);

    /// <summary>The stored row with its version, or null when there is none.</summary>
    public async Task<Versioned<T>?> ReadAsync(string key)
    {
        var rows = await database.QueryAsync(
            $"SELECT {table.ColumnList}, version FROM {table.Name} WHERE {table.Key[0]} = $1",
            [key], r =>
            {
                var n = table.Values.Length;
                return new Versioned<T>(Read(r), r.Long(n + 1), r.Timestamp(n - 2), r.Timestamp(n - 1), r.GetString(n));
            }).Translated();
        return rows.FirstOrDefault();
    }

    /// <summary>The stored values of these keys, read in one statement; absent ones are left out.</summary>
    public async Task<Dictionary<string, T>> ReadManyAsync(IReadOnlyList<string> keys) =>
        keys.Count == 0 ? [] : (await database.QueryAsync(
            $"SELECT {table.ColumnList} FROM {table.Name} WHERE {table.Key[0]} {database.InList(keys, out var args)}",
            args, r => (Id: r.GetString(0), Value: Read(r))).Translated()).ToDictionary(x => x.Id, x => x.Value);
}
