using System.Text.Json;
using Grassroots.Domain.Records;
using Grassroots.Silo.Imports;
using Grassroots.Silo.Records;

namespace Grassroots.Silo.FunctionalTests;

/// <summary>
/// Each record kind is described once for the API (<see cref="RecordResource"/>, listed by <see cref="RecordApis.All"/>);
/// what is still stated beside that list is checked against it here, so a kind added to one and forgotten in the other
/// fails a test: the domain's kinds, the JSON import body the OpenAPI document describes, and each kind's figure headers
/// against the figures its domain kind counts.
/// </summary>
public sealed class RecordResourcesTests
{
    [Fact]
    public void EveryDomainKindHasOneResourceInTheSameOrder() =>
        Assert.Equal(RecordKinds.All, RecordApis.All.Select(r => r.Kind));

    [Fact]
    public void TheJsonImportBodyListsBranchesAndEveryKindByItsJsonNameAndRow()
    {
        var lists = typeof(Grassroots.Silo.Imports.ImportBody).GetProperties()
            .Select(p => (Name: JsonNamingPolicy.CamelCase.ConvertName(p.Name), Row: p.PropertyType.GetGenericArguments().Single()));
        Assert.Equal([("branches", typeof(BranchImportRow)), .. RecordApis.All.Select(r => (r.JsonName, r.RowType))], lists);
        Assert.Equal(RecordApis.All.Select(r => r.JsonName), ImportKinds.All.OfType<RecordImportKind>().Select(k => k.JsonName));
    }

    [Fact]
    public void EachKindHeadsExactlyTheFiguresItCountsAndKindsAgreeOnSharedOnes()
    {
        foreach (var resource in RecordApis.All)
            Assert.Equal(resource.Kind.Counts.Keys.Order(), resource.FigureHeaders.Keys.Order());
        foreach (var figure in RecordApis.All.SelectMany(r => r.FigureHeaders).GroupBy(h => h.Key))
            Assert.Single(figure.Select(h => h.Value).Distinct());
    }
}
