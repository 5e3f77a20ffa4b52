using Grassroots.Domain.Persistence;
using Grassroots.Storage;

namespace Grassroots.Domain.Caching;

/// <summary>
/// Which honorees exist, as this silo knows it, for the talks that name them: a record's grain and an import check here
/// instead of calling each honoree's grain. Honorees are never removed, so what exists is kept; absence is not.
/// </summary>
public sealed class HonoreeDirectory(Database database, TimeProvider clock) : ISiloCache
{
    public const string CacheKind = "honoree";

    private readonly SiloCache<string> _provinces = new(CacheKind, clock, keepAbsence: false);

    public string Kind => CacheKind;

    /// <summary>The ids among <paramref name="honoreeIds"/> that no honoree has, in the order given.</summary>
    public async Task<IReadOnlyList<string>> MissingAsync(IReadOnlyCollection<string> honoreeIds)
    {
        var found = await _provinces.GetManyAsync(honoreeIds, async ids => (await database.QueryAsync(
            $"SELECT honoree_id, province_code FROM {Tables.Honorees.Name} WHERE honoree_id {database.InList(ids, out var args)}", args,
            r => (Id: r.GetString(0), Province: r.GetString(1))).Translated()).ToDictionary(x => x.Id, x => (string?)x.Province));
        return [.. honoreeIds.Where(id => found.GetValueOrDefault(id) is null)];
    }

    public void Forget(string id) => _provinces.Forget(id);
}
