using Grassroots.Domain;
using Grassroots.Domain.Model;
using Grassroots.Domain.Records;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Validation;
using RequiredAttribute = Grassroots.Silo.Apis.RequiredAttribute;

namespace Grassroots.Silo.Records;

/// <summary>
/// A kind of record as the API shows it, described once in its own file (StudySessionsApi.cs, HonoreeTalksApi.cs,
/// PublicityApi.cs, CompetitionsApi.cs): its path and operations, its wire shapes and how they become its domain record and
/// back, its import headers, and its names in the audit and the reports. Its storage and figures are its domain
/// <see cref="Kind"/>. Routes (<see cref="RecordApis"/>), imports (Imports/ImportKind.cs), the audit's record types and
/// the reports' figure headers are made from the list of these, <see cref="RecordApis.All"/>.
/// </summary>
public abstract class RecordResource
{
    /// <summary>Its table, the day it counts on and its figures (Domain/Records/*Kind.cs).</summary>
    public abstract RecordKind Kind { get; }

    /// <summary>The path under a branch, also the import's <c>?type=</c> and the audit's recordType, e.g. "study-sessions".</summary>
    public abstract string Segment { get; }

    /// <summary>The list of a JSON import body holding rows of this kind, e.g. "studySessions".</summary>
    public abstract string JsonName { get; }

    /// <summary>The OpenAPI tag of its operations.</summary>
    public abstract string Tag { get; }

    /// <summary>What follows Put, Get and Void in its operation ids, e.g. "StudySession".</summary>
    public abstract string OperationName { get; }

    /// <summary>The record as a message about an unknown id names it, e.g. "study session".</summary>
    public abstract string Entity { get; }

    /// <summary>The record in Chinese, as the audit's CSV and Excel name it.</summary>
    public abstract string ChineseName { get; }

    public abstract string PutSummary { get; }

    public abstract string GetSummary { get; }

    public abstract string VoidSummary { get; }

    /// <summary>
    /// The Chinese headers an import file may give each field of a row, nested ones flattened ("attendees.total"); headers
    /// every kind shares (branch, id, campaign, online views) are added by the import (Imports/ImportKind.cs).
    /// </summary>
    public abstract IReadOnlyDictionary<string, string[]> ImportHeaders { get; }

    /// <summary>The reports' header of each figure its kind counts, by county_days column (the keys of the kind's Counts).</summary>
    public abstract IReadOnlyDictionary<string, string> FigureHeaders { get; }

    /// <summary>An import row: the PUT's request plus the ids its path carries, so the same field rules check both.</summary>
    public abstract Type RowType { get; }

    /// <summary>A new, empty import row, filled from cells.</summary>
    public abstract IImportRow NewRow();

    /// <summary>The domain record of a request or import row its field rules have passed.</summary>
    public abstract RecordData RecordOf(object request);

    /// <summary>A field the grain names (in the domain record), as the request names it.</summary>
    public abstract string SentFieldOf(object request, RecordData data, string field);

    /// <summary>Stores a record through its grain, as the PUT does for a record stored already.</summary>
    public abstract Task<RecordSaved> PutAsync(IGrainFactory grains, string branchId, string recordId, RecordData data, string actor);

    /// <summary>Maps PUT, GET and DELETE of <c>branches/{branchId}/{Segment}/{id}</c>.</summary>
    public abstract void Map(RouteGroupBuilder api);
}

/// <summary>Where a record is: the path's branch id and the record's id, under the name its path gives it.</summary>
public interface IRecordPath
{
    /// <summary>The record's id as the path names it, e.g. "sessionId" (in the OpenAPI document and a 400's errors).</summary>
    static abstract string IdName { get; }

#pragma warning disable IDE1006 // named as on the wire, as the query records are
    string branchId { get; }
#pragma warning restore IDE1006

    string RecordId { get; }
}

/// <summary>
/// What the record kinds share, bound to a kind's types: the grain key "{branchId}/{recordId}", read, void and the
/// create-or-correct answer. Path ids, the void reason and the body are checked by their field rules before an endpoint
/// runs; the kind builds its domain record, and everything after that is here, starting with the key's scope: the branch's
/// own key, an admin above it, or hq (403 before the grain is called).
/// </summary>
public abstract class RecordResource<TPath, TRequest, TRow, TData, TGrain, TResponse> : RecordResource
    where TPath : IRecordPath
    where TRequest : class
    where TRow : TRequest, IImportRow, new()
    where TData : RecordData
    where TGrain : IRecordGrain<TData>
{
    /// <summary>The domain record of a request its rules have passed (an import row is one).</summary>
    public abstract TData ToRecord(TRequest request);

    public abstract TResponse ToResponse(LoggedRecord record);

    /// <summary>A field the grain names, as the request names it; null where both name it alike.</summary>
    protected virtual string? SentField(TRequest request, TData data, string field) => null;

    public sealed override Type RowType => typeof(TRow);

    public sealed override IImportRow NewRow() => new TRow();

    public sealed override RecordData RecordOf(object request) => ToRecord((TRequest)request);

    public sealed override string SentFieldOf(object request, RecordData data, string field) =>
        SentField((TRequest)request, (TData)data, field) ?? field;

    public sealed override async Task<RecordSaved> PutAsync(IGrainFactory grains, string branchId, string recordId, RecordData data, string actor) =>
        await Grain(grains, branchId, recordId).PutAsync((TData)data, actor);

    public sealed override void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup($"branches/{{branchId}}/{Segment}").WithTags(Tag);
        var id = $"{{{TPath.IdName}}}";
        // The hot path: its path and body are checked by their compiled rules, the framework's validation only names what fails.
        group.MapPut(id, PutRecordAsync).WithName("Put" + OperationName).WithSummary(PutSummary)
            .DisableValidation().AddEndpointFilterFactory(FieldRules.Filter);
        group.MapGet(id, GetRecordAsync).WithName("Get" + OperationName).WithSummary(GetSummary);
        group.MapDelete(id, VoidRecordAsync).WithName("Void" + OperationName).WithSummary(VoidSummary);
    }

    /// <summary>
    /// Stores a valid record: 201 when new, 200 when corrected or unchanged. Domain checks throw (→ 400/409). A new record
    /// is written by this silo's intake with no grain call; only a record stored already goes to its grain, which decides.
    /// </summary>
    private async Task<Results<Created<TResponse>, Ok<TResponse>, ValidationProblem, ProblemHttpResult>> PutRecordAsync(
        [AsParameters] TPath path, [Body] TRequest request, IGrainFactory grains, RecordIntake intake, Access access, HttpContext context)
    {
        var data = ToRecord(request);
        if (!await access.CanActForBranchAsync(context.User, path.branchId)) return Access.Refused();
        var actor = Caller.Actor(context);
        RecordSaved saved;
        try
        {
            saved = await intake.TryCreateAsync(path.branchId, path.RecordId, data, actor) is { } created
                ? new RecordSaved(PutResult.Created, created)
                : await Grain(grains, path.branchId, path.RecordId).PutAsync(data, actor);
        }
        catch (FieldValidationException e) when (SentField(request, data, e.Field) is { } sent)
        {
            throw new FieldValidationException(sent, e.Reason);
        }
        var body = ToResponse(saved.Record);
        return saved.Result == PutResult.Created ? TypedResults.Created(context.Request.Path, body) : TypedResults.Ok(body);
    }

    private async Task<Results<Ok<TResponse>, ProblemHttpResult, ValidationProblem>> GetRecordAsync(
        [AsParameters] TPath path, IGrainFactory grains, Access access, HttpContext context)
    {
        if (!await access.CanActForBranchAsync(context.User, path.branchId)) return Access.Refused();
        var record = await Grain(grains, path.branchId, path.RecordId).GetAsync();
        return record is null
            ? ApiProblems.Problem(StatusCodes.Status404NotFound, new(MessageKeys.NoRecord, Entity, path.RecordId, path.branchId))
            : TypedResults.Ok(ToResponse(record));
    }

    /// <summary>Voids the record (204); voiding twice changes nothing. An unknown record throws NotFoundException (→ 404).</summary>
    private async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> VoidRecordAsync(
        [AsParameters] TPath path, [AsParameters] VoidQuery query, IGrainFactory grains, Access access, HttpContext context)
    {
        if (!await access.CanActForBranchAsync(context.User, path.branchId)) return Access.Refused();
        await Grain(grains, path.branchId, path.RecordId).VoidAsync(query.reason!, Caller.Actor(context));
        return TypedResults.NoContent();
    }

    private static TGrain Grain(IGrainFactory grains, string branchId, string recordId) => grains.GetGrain<TGrain>($"{branchId}/{recordId}");
}

/// <summary>Why a record is voided.</summary>
[ValidatableType]
public sealed record VoidQuery([property: Required, Text(TextAttribute.MaxReason)] string? reason);
