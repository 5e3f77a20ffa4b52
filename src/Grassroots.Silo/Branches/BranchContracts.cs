using System.Text.Json.Serialization;
using Grassroots.Domain.Branches;
using Grassroots.Domain.Model;
using Grassroots.Domain.Regions;
using Grassroots.Silo.Apis;
using Microsoft.Extensions.Validation;
using RequiredAttribute = Grassroots.Silo.Apis.RequiredAttribute;

namespace Grassroots.Silo.Branches;

// Wire shapes of branches. Request properties are all nullable so a missing field is reported by validation as "Is
// required." under its own name instead of failing in the JSON binder; each field's rule is stated on it
// (FieldAttributes.cs), for validation and the OpenAPI document alike.

/// <summary>A branch's PUT body; not sealed so that an import row can be this body plus the branch's id.</summary>
[ValidatableType]
public record BranchRequest(
    [property: Required, Text(BranchesApi.MaxName)] string? Name,
    [property: Required, RegionCode(Level = RegionCodeLevel.County)] string? RegionCode,
    [property: Text(BranchesApi.MaxSector)] string? Sector,
    [property: Required, Count] int? MemberCount,
    [property: OneOf(typeof(BranchesApi), nameof(BranchesApi.Kinds))] string? Kind);

/// <summary>A branch; <see cref="Totals"/> is only present on GET, where it is computed from the branch's records.</summary>
public sealed record BranchDto(string Id, string Name, string RegionCode, string? RegionName, string? Sector, int MemberCount,
    string? Kind, long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] TotalsDto? Totals = null);

/// <summary>One branch of a region's list; <see cref="Active"/> is null when no campaign was asked about.</summary>
public sealed record BranchListItem(string Id, string Name, string RegionCode, int MemberCount, string? Kind, bool? Active);

public sealed record BranchPage(int Page, int PageSize, long Total, IReadOnlyList<BranchListItem> Items);

public static class BranchMapping
{
    public static BranchDto AsDto(this Versioned<BranchProfile> b, string id, RegionDirectory regions, Totals? totals = null) =>
        new(id, b.Value.Name, b.Value.RegionCode, regions.Find(b.Value.RegionCode)?.Name, b.Value.Sector, b.Value.MemberCount,
            b.Value.Kind, b.Version, b.CreatedAt, b.UpdatedAt, totals is null ? null : TotalsDto.From(totals));

    public static BranchProfile ToProfile(this BranchRequest r) => new(r.Name!, r.RegionCode!, r.Sector, r.MemberCount!.Value, r.Kind);
}
