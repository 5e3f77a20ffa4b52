using System.ComponentModel.DataAnnotations;
using Grassroots.Silo.Apis;
using Microsoft.Extensions.Validation;
using RequiredAttribute = Grassroots.Silo.Apis.RequiredAttribute;

namespace Grassroots.Silo.Records;

// Wire shapes the kinds of record a branch logs share; each kind's own request, import row and
// response are in its file (StudySessionsApi.cs…). Request bodies are all-nullable so that a missing field is reported by
// validation with its name, not by the deserializer as an unreadable body; each field's rule is stated on it
// (FieldAttributes.cs), for validation and the OpenAPI document alike.

[ValidatableType]
public sealed record AttendeesRequest(
    [property: Required, Count] int? Total,
    [property: Count, NotAbove(nameof(AttendeesRequest.Total))] int? Frontline,
    [property: Count, NotAbove(nameof(AttendeesRequest.Total))] int? Youth,
    [property: Count, NotAbove(nameof(AttendeesRequest.Total))] int? Women) : IRulesInAttributes;

public sealed record AttendeesResponse(int Total, int? Frontline, int? Youth, int? Women);
