using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Records;
using Grassroots.Domain;

using Grassroots.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Silo.Apis;

/// <summary>
/// What the three record resources (study sessions, honoree talks, publicity) share: the grain key
/// "{branchId}/{recordId}", read, void and the create-or-correct answer. Path ids, the void reason and each
/// resource's body are checked by their field rules before the endpoint runs; each resource builds its domain
/// record, and everything after that is here, starting with the key's scope: the branch's own key, an admin
/// above it, or hq (403 before the grain is called).
/// </summary>
public sealed class RecordResource<TGrain, T, TResponse>(string entity, Func<LoggedRecord, TResponse> map)
    where TGrain : IRecordGrain<T> where T : RecordData
{
    /// <summary>
    /// Stores a valid record: 201 when new, 200 when corrected or unchanged. Domain checks throw (→ 400/409). A new record
    /// is written by this silo's intake with no grain call; only a record stored already goes to its grain, which decides.
    /// </summary>
    public async Task<Results<Created<TResponse>, Ok<TResponse>, ValidationProblem, ProblemHttpResult>> PutAsync(
        IGrainFactory grains, RecordIntake intake, Access access, string branchId, string recordId, T data, HttpContext context)
    {
        if (!await access.CanActForBranchAsync(context.User, branchId)) return Access.Refused();
        var actor = Caller.Actor(context);
        var saved = await intake.TryCreateAsync(branchId, recordId, data, actor) is { } created
            ? new RecordSaved(PutResult.Created, created)
            : await Grain(grains, branchId, recordId).PutAsync(data, actor);
        var body = map(saved.Record);
        return saved.Result == PutResult.Created ? TypedResults.Created(context.Request.Path, body) : TypedResults.Ok(body);
    }

    public async Task<Results<Ok<TResponse>, ProblemHttpResult, ValidationProblem>> GetAsync(
        IGrainFactory grains, Access access, string branchId, string recordId, HttpContext context)
    {
        if (!await access.CanActForBranchAsync(context.User, branchId)) return Access.Refused();
        var record = await Grain(grains, branchId, recordId).GetAsync();
        return record is null
            ? ApiProblems.Problem(StatusCodes.Status404NotFound, new(MessageKeys.NoRecord, entity, recordId, branchId))
            : TypedResults.Ok(map(record));
    }

    /// <summary>Voids the record (204); voiding twice changes nothing. An unknown record throws NotFoundException (→ 404).</summary>
    public async Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> VoidAsync(
        IGrainFactory grains, Access access, string branchId, string recordId, string? reason, HttpContext context)
    {
        if (!await access.CanActForBranchAsync(context.User, branchId)) return Access.Refused();
        await Grain(grains, branchId, recordId).VoidAsync(reason!, Caller.Actor(context));
        return TypedResults.NoContent();
    }

    private static TGrain Grain(IGrainFactory grains, string branchId, string recordId) => grains.GetGrain<TGrain>($"{branchId}/{recordId}");
}

public static class RecordResource
{
    public const int MaxReasonLength = 500;

}
