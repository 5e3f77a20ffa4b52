using Grassroots.Domain.Profiles;
using Grassroots.Domain.Regions;
using Grassroots.Domain.Rollups;

namespace Grassroots.Domain.Honorees;

/// <summary>
/// An honoree's profile (a fact row). The figures of the talks that name them are every silo's own
/// (<see cref="RollupReplica.GetHonoreeAsync"/>).
/// </summary>
[GrainType(Constants.GrainTypes.Honoree)]
public sealed class HonoreeGrain(HonoreeStore store, FactCommitter committer, TimeProvider clock, RegionDirectory regions)
    : ProfileGrain<HonoreeProfile>(store, committer, clock), IHonoreeGrain
{
    protected override string Entity => "honoree";

    protected override (string?, string?) Owner(HonoreeProfile value) => (null, value.ProvinceCode);

    protected override void Check(HonoreeProfile value)
    {
        if (regions.Find(value.ProvinceCode)?.Level != RegionLevel.Province)
            throw new FieldValidationException("provinceCode", new Message(MessageKeys.NotProvince, value.ProvinceCode));
    }
}
