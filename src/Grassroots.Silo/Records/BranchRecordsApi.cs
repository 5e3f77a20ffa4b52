using System.Text.Json.Serialization;
using Grassroots.Domain.Branches;
using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Records;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Validation;
using IdAttribute = Grassroots.Silo.Apis.IdAttribute;

namespace Grassroots.Silo.Records;

/// <summary>
/// A branch's own records of all three kinds in one list, newest first, so a branch (or an admin above it) can see
/// what it has logged without knowing each record's id. Read from the facts tables, voided records included.
/// </summary>
public static class BranchRecordsApi
{
    public const int DefaultPageSize = 50, MaxPageSize = 500;

    public static RouteGroupBuilder MapBranchRecordsApi(this RouteGroupBuilder api)
    {
        api.MapGet("branches/{branchId}/records", ListBranchRecordsAsync).WithTags("Branches").WithName("ListBranchRecords")
            .WithSummary("A branch's study sessions, honoree talks, publicity items and competitions, newest first, a page at a time.");
        return api;
    }

    public static async Task<Results<Ok<BranchRecordPage>, NotFound, ValidationProblem, ProblemHttpResult>> ListBranchRecordsAsync(
        [Id] string branchId, [AsParameters] BranchRecordsQuery query, CampaignDirectory campaigns, IGrainFactory grains, RecordStore records, Access access, HttpContext context, CancellationToken cancellationToken)
    {
        var campaignId = query.campaignId.Given();
        var pageNumber = query.page.AsNumber() ?? 1;
        var size = query.pageSize.AsNumber() ?? DefaultPageSize;
        if (await campaigns.CampaignProblemAsync(campaignId) is { } invalid) return invalid;
        if (!await access.CanActForBranchAsync(context.User, branchId)) return Access.Refused();
        if (await grains.GetGrain<IBranchGrain>(branchId).GetAsync() is null) return TypedResults.NotFound();

        var (total, rows) = await records.BranchRecordsAsync(branchId, campaignId, pageNumber, size, cancellationToken);
        var items = rows.Select(Item).ToList();
        return TypedResults.Ok(new BranchRecordPage(branchId, pageNumber, size, total, items));
    }

    private static BranchRecordItem Item(BranchRecordRow r)
    {
        var figures = r.Kind switch
        {
            "study-session" => new RecordFigures(Attendance: r.Count, Frontline: r.Frontline, Youth: r.Youth, Women: r.Women, OnlineViews: r.Extra),
            "honoree-talk" => new RecordFigures(Audience: r.Count, OnlineViews: r.Extra),
            "competition" => new RecordFigures(Participants: r.Count, Frontline: r.Frontline, Youth: r.Youth, Women: r.Women, Awardees: r.Extra),
            _ => new RecordFigures(Reach: r.Count),
        };
        return new BranchRecordItem(r.Kind, r.Id, r.Date, r.Title, figures, r.Voided);
    }
}

public sealed record BranchRecordPage(string BranchId, int Page, int PageSize, long Total, IReadOnlyList<BranchRecordItem> Items);

/// <summary>
/// One record of a branch: <see cref="Kind"/> is study-session, honoree-talk, publicity-item or competition; <see cref="Date"/>
/// is when it was held, published or started; <see cref="Title"/> is null for a talk logged without one.
/// </summary>
public sealed record BranchRecordItem(string Kind, string Id, DateOnly Date, string? Title, RecordFigures Figures, bool Voided);

/// <summary>The figures a record carries, by kind; those a kind does not have are left out.</summary>
public sealed record RecordFigures(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Attendance = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Frontline = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Youth = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Women = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Audience = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? OnlineViews = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Reach = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Participants = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Awardees = null);

/// <summary>A branch's records, optionally of one campaign, a page at a time.</summary>
[ValidatableType]
public sealed record BranchRecordsQuery([property: Id] string? campaignId, [property: Whole(1, int.MaxValue)] string? page,
    [property: Whole(1, BranchRecordsApi.MaxPageSize)] string? pageSize);
