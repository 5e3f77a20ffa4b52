using System.Text.Json.Serialization;
using Grassroots.Domain.Caching;
using Grassroots.Domain.Contracts;
using Grassroots.Domain.Persistence;

using Grassroots.Silo.Security;
using Grassroots.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Silo.Apis;

/// <summary>
/// A branch's own records of all three kinds in one list, newest first, so a branch (or an admin above it) can see
/// what it has logged without knowing each record's id. Read from the facts tables, voided records included.
/// </summary>
public static class BranchRecordsApi
{
    public const int DefaultPageSize = 50, MaxPageSize = 500;

    // One SELECT per kind with the same columns: kind, id, date, title, count, frontline, youth, women, online views (a
    // competition's awardees), voided. The count is attendance, audience, reach or participants; CASTs give the NULLs a type PostgreSQL can union.
    private const string Union =
        "SELECT 'study-session' AS kind, session_id AS id, held_on AS day, title, attendees AS n, frontline, youth, women, " +
        "online_views, voided FROM study_sessions WHERE branch_id = $1{0} " +
        "UNION ALL SELECT 'honoree-talk', talk_id, held_on, title, audience, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), " +
        "CAST(NULL AS INTEGER), online_views, voided FROM honoree_talks WHERE branch_id = $1{0} " +
        "UNION ALL SELECT 'publicity-item', item_id, published_on, title, reach, CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), " +
        "CAST(NULL AS INTEGER), CAST(NULL AS INTEGER), voided FROM publicity_items WHERE branch_id = $1{0} " +
        "UNION ALL SELECT 'competition', competition_id, starts_on, title, participants, frontline, youth, women, awardees, voided " +
        "FROM competitions WHERE branch_id = $1{0}";

    public static RouteGroupBuilder MapBranchRecordsApi(this RouteGroupBuilder api)
    {
        api.MapGet("branches/{branchId}/records", ListBranchRecordsAsync).WithTags("Branches").WithName("ListBranchRecords")
            .WithSummary("A branch's study sessions, honoree talks, publicity items and competitions, newest first, a page at a time.");
        return api;
    }

    public static async Task<Results<Ok<BranchRecordPage>, NotFound, ValidationProblem, ProblemHttpResult>> ListBranchRecordsAsync(
        [Id] string branchId, [AsParameters] BranchRecordsQuery query, CampaignDirectory campaigns, IGrainFactory grains, Database database, Access access, HttpContext context, CancellationToken cancellationToken)
    {
        var campaignId = query.campaignId.Given();
        var pageNumber = query.page.AsNumber() ?? 1;
        var size = query.pageSize.AsNumber() ?? DefaultPageSize;
        if (await campaigns.CampaignProblemAsync(campaignId) is { } invalid) return invalid;
        if (!await access.CanActForBranchAsync(context.User, branchId)) return Access.Refused();
        if (await grains.GetGrain<IBranchGrain>(branchId).GetAsync() is null) return TypedResults.NotFound();

        object?[] args = campaignId is null ? [branchId] : [branchId, campaignId];
        var records = string.Format(System.Globalization.CultureInfo.InvariantCulture, Union,
            campaignId is null ? "" : " AND campaign_id = $2");
        var total = (await database.QueryAsync($"SELECT COUNT(*) FROM ({records}) r", args, r => r.Long(0), cancellationToken))[0];
        var items = await database.QueryAsync(
            $"SELECT * FROM ({records}) r ORDER BY r.day DESC, r.kind, r.id LIMIT ${args.Length + 1} OFFSET ${args.Length + 2}",
            [.. args, size, (long)(pageNumber - 1) * size], Read, cancellationToken);
        return TypedResults.Ok(new BranchRecordPage(branchId, pageNumber, size, total, items));
    }

    private static BranchRecordItem Read(System.Data.Common.DbDataReader r)
    {
        var kind = r.GetString(0);
        int? count = r.NullableInt(4);
        var figures = kind switch
        {
            "study-session" => new RecordFigures(Attendance: count, Frontline: r.NullableInt(5), Youth: r.NullableInt(6),
                Women: r.NullableInt(7), OnlineViews: r.NullableInt(8)),
            "honoree-talk" => new RecordFigures(Audience: count, OnlineViews: r.NullableInt(8)),
            "competition" => new RecordFigures(Participants: count, Frontline: r.NullableInt(5), Youth: r.NullableInt(6),
                Women: r.NullableInt(7), Awardees: r.NullableInt(8)),
            _ => new RecordFigures(Reach: count),
        };
        return new BranchRecordItem(kind, r.GetString(1), r.Date(2), r.Text(3), figures, r.Bool(9));
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
