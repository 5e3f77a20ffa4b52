using Grassroots.Domain.Model;

namespace Grassroots.Domain.Honorees;

/// <summary>An honoree (劳模、先进工作者、工匠): the profile.</summary>
[Alias("honoree-grain")]
public interface IHonoreeGrain : IGrainWithStringKey
{
    [ReadOnly, Alias("get")]
    Task<Versioned<HonoreeProfile>?> GetAsync();

    [Alias("put")]
    Task<Saved<HonoreeProfile>> PutAsync(HonoreeProfile profile, string actor);
}
