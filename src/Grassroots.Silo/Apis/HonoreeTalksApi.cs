using System.Globalization;
using Grassroots.Domain;
using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Domain.Records;

using Grassroots.Silo.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Grassroots.Silo.Apis;

/// <summary>Talks given by honorees (劳模宣讲) at a venue, on site or broadcast: audience and online views.</summary>
public static class HonoreeTalksApi
{
    public const int MaxHonorees = 20, MaxTitle = 200;
    public static readonly Choices Venues = new(("enterprise", "进企业"), ("school", "进校园"), ("agency", "进机关"), ("community", "进社区"),
        ("workshop", "进班组（车间）"), ("media", "媒体"), ("other", "其他"));
    public static readonly Choices Formats = new(("onsite", "现场宣讲"), ("livestream", "网络直播"), ("broadcast", "电视广播"));

    private static readonly RecordResource<IHonoreeTalkGrain, HonoreeTalk, HonoreeTalkResponse> Resource =
        new("honoree talk", HonoreeTalkResponse.From);

    public static RouteGroupBuilder MapHonoreeTalksApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("branches/{branchId}/honoree-talks").WithTags("Honoree talks");
        group.MapPut("{talkId}", PutHonoreeTalkAsync).WithName("PutHonoreeTalk")
            .WithSummary("Logs or corrects an honoree talk; the same body twice changes nothing.");
        group.MapGet("{talkId}", GetHonoreeTalkAsync).WithName("GetHonoreeTalk")
            .WithSummary("An honoree talk with its version and whether it was voided.");
        group.MapDelete("{talkId}", VoidHonoreeTalkAsync).WithName("VoidHonoreeTalk")
            .WithSummary("Voids an honoree talk (reason required): it leaves every rollup and the honorees' figures.");
        return api;
    }

    private static async Task<Results<Created<HonoreeTalkResponse>, Ok<HonoreeTalkResponse>, ValidationProblem, ProblemHttpResult>> PutHonoreeTalkAsync(
        [Id] string branchId, [Id] string talkId, [Body] HonoreeTalkRequest request, IGrainFactory grains, RecordIntake intake, Access access, HttpContext context)
    {
        var talk = ToRecord(request);
        try
        {
            return await Resource.PutAsync(grains, intake, access, branchId, talkId, talk, context);
        }
        catch (FieldValidationException e) when (SentField(request, talk, e.Field) is { } sent)
        {
            throw new FieldValidationException(sent, e.Reason);
        }
    }

    /// <summary>
    /// The domain record of a valid request. The domain compares honoree lists as sorted sequences: the same honorees in
    /// another order are the same talk.
    /// </summary>
    internal static HonoreeTalk ToRecord(HonoreeTalkRequest request) => new(request.CampaignId!,
        [.. request.HonoreeIds!.Select(id => id!).Distinct().Order(StringComparer.Ordinal)], request.Title, request.HeldOn!.Value,
        request.Venue!, request.Format!, request.Audience!.Value, request.OnlineViews);

    /// <summary>
    /// The grain names a position in the sorted list of honorees; the client needs the position in what it sent. Null when
    /// <paramref name="field"/> is not such a position.
    /// </summary>
    internal static string? SentField(HonoreeTalkRequest request, HonoreeTalk talk, string field) =>
        ListIndex(field) is { } index && index < talk.HonoreeIds.Count
            ? $"honoreeIds[{request.HonoreeIds!.ToList().IndexOf(talk.HonoreeIds[index])}]"
            : null;

    private static Task<Results<Ok<HonoreeTalkResponse>, ProblemHttpResult, ValidationProblem>> GetHonoreeTalkAsync(
        [Id] string branchId, [Id] string talkId, IGrainFactory grains, Access access, HttpContext context) =>
        Resource.GetAsync(grains, access, branchId, talkId, context);

    private static Task<Results<NoContent, ValidationProblem, ProblemHttpResult>> VoidHonoreeTalkAsync(
        [Id] string branchId, [Id] string talkId, [AsParameters] VoidQuery query, IGrainFactory grains, Access access, HttpContext context) =>
        Resource.VoidAsync(grains, access, branchId, talkId, query.reason, context);

    private static int? ListIndex(string field) =>
        field.StartsWith("honoreeIds[", StringComparison.Ordinal) && field.EndsWith(']')
        && int.TryParse(field.AsSpan(11, field.Length - 12), NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;
}
