using Grassroots.Domain.Caching;

namespace Grassroots.Domain.Honorees;

/// <summary>
/// Which honorees exist, as this silo knows it, for the talks that name them: a record's grain and an import check here
/// instead of calling each honoree's grain. Honorees are never removed, so what exists is kept; absence is not.
/// </summary>
public sealed class HonoreeDirectory(HonoreeStore store, TimeProvider clock) : ISiloCache
{
    public const string CacheKind = "honoree";

    private readonly SiloCache<string> _provinces = new(CacheKind, clock, keepAbsence: false);

    public string Kind => CacheKind;

    /// <summary>The ids among <paramref name="honoreeIds"/> that no honoree has, in the order given.</summary>
    public async Task<IReadOnlyList<string>> MissingAsync(IReadOnlyCollection<string> honoreeIds)
    {
        var found = await _provinces.GetManyAsync(honoreeIds, store.ProvincesOfAsync);
        return [.. honoreeIds.Where(id => found.GetValueOrDefault(id) is null)];
    }

    public void Forget(string id) => _provinces.Forget(id);
}
