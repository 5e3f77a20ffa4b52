using System.Data.Common;
using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Persistence;
using Grassroots.Domain.Regions;
using Grassroots.Domain.Rollups;
using Grassroots.Storage;

namespace Grassroots.Domain.Grains;

/// <summary>
/// An honoree's profile (a fact row). The figures of the talks that name them are every silo's own
/// (<see cref="RollupReplica.GetHonoreeAsync"/>).
/// </summary>
[GrainType(Constants.GrainTypes.Honoree)]
public sealed class HonoreeGrain(Database database, FactCommitter committer, TimeProvider clock, RegionDirectory regions)
    : ProfileGrain<HonoreeProfile>(database, committer, clock), IHonoreeGrain
{
    protected override Table Table => Tables.Honorees;
    protected override string Entity => "honoree";

    protected override object?[] Columns(HonoreeProfile h) =>
        [h.Name, h.Gender, h.Ethnicity, h.Title, h.HonoredYear, h.Employer, h.ProvinceCode];

    protected override HonoreeProfile Read(DbDataReader r) =>
        new(r.GetString(1), r.Text(2), r.Text(3), r.GetString(4), r.NullableInt(5), r.Text(6), r.GetString(7));

    protected override (string?, string?) Owner(HonoreeProfile value) => (null, value.ProvinceCode);

    protected override void Check(HonoreeProfile value)
    {
        if (regions.Find(value.ProvinceCode)?.Level != RegionLevel.Province)
            throw new FieldValidationException("provinceCode", new Message(MessageKeys.NotProvince, value.ProvinceCode));
    }
}
