using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Grassroots.Domain;
using Grassroots.Domain.Records;
using Grassroots.Silo.Apis;
using Microsoft.Extensions.Validation;
using IdAttribute = Grassroots.Silo.Apis.IdAttribute;
using RequiredAttribute = Grassroots.Silo.Apis.RequiredAttribute;

namespace Grassroots.Silo.Records;

/// <summary>Talks given by honorees (劳模宣讲) at a venue, on site or broadcast: audience and online views.</summary>
public sealed class HonoreeTalksApi
    : RecordResource<HonoreeTalkPath, HonoreeTalkRequest, HonoreeTalkImportRow, HonoreeTalk, IHonoreeTalkGrain, HonoreeTalkResponse>
{
    public const int MaxHonorees = 20, MaxTitle = 200;
    public static readonly Choices Venues = new(("enterprise", "进企业"), ("school", "进校园"), ("agency", "进机关"), ("community", "进社区"),
        ("workshop", "进班组（车间）"), ("media", "媒体"), ("other", "其他"));
    public static readonly Choices Formats = new(("onsite", "现场宣讲"), ("livestream", "网络直播"), ("broadcast", "电视广播"));

    public override RecordKind Kind => RecordKinds.HonoreeTalks;
    public override string Segment => "honoree-talks";
    public override string JsonName => "honoreeTalks";
    public override string Tag => "Honoree talks";
    public override string OperationName => "HonoreeTalk";
    public override string Entity => "honoree talk";
    public override string ChineseName => "劳模宣讲";
    public override string PutSummary => "Logs or corrects an honoree talk; the same body twice changes nothing.";
    public override string GetSummary => "An honoree talk with its version and whether it was voided.";
    public override string VoidSummary => "Voids an honoree talk (reason required): it leaves every rollup and the honorees' figures.";

    public override IReadOnlyDictionary<string, string[]> ImportHeaders { get; } = new Dictionary<string, string[]>
    {
        ["honoreeIds"] = ["劳模编号"],
        ["title"] = ["标题", "主题"],
        ["heldOn"] = ["日期", "宣讲日期"],
        ["venue"] = ["场所", "宣讲场所"],
        ["format"] = ["形式"],
        ["audience"] = ["现场受众", "现场受众人次"],
    };

    public override IReadOnlyDictionary<string, string> FigureHeaders { get; } = new Dictionary<string, string>
    {
        ["honoree_talks"] = "劳模宣讲场次", ["talk_audience"] = "宣讲现场受众", ["online_views"] = "线上观看",
    };

    /// <summary>
    /// The domain compares honoree lists as sorted sequences: the same honorees in another order are the same talk.
    /// </summary>
    public override HonoreeTalk ToRecord(HonoreeTalkRequest request) => new(request.CampaignId!,
        [.. request.HonoreeIds!.Select(id => id!).Distinct().Order(StringComparer.Ordinal)], request.Title, request.HeldOn!.Value,
        request.Venue!, request.Format!, request.Audience!.Value, request.OnlineViews);

    public override HonoreeTalkResponse ToResponse(LoggedRecord r) => r.Data is HonoreeTalk d
        ? new(r.BranchId, r.RecordId, r.RegionCode, d.CampaignId, d.HonoreeIds, d.Title, d.HeldOn, d.Venue, d.Format, d.Audience,
            d.OnlineViews, r.Version, r.CreatedAt, r.UpdatedAt, r.Voided, r.VoidReason)
        : throw new ArgumentException("Not an honoree talk.", nameof(r));

    /// <summary>
    /// The grain names a position in the sorted list of honorees; the client needs the position in what it sent. Null when
    /// <paramref name="field"/> is not such a position.
    /// </summary>
    protected override string? SentField(HonoreeTalkRequest request, HonoreeTalk talk, string field) =>
        ListIndex(field) is { } index && index < talk.HonoreeIds.Count
            ? $"honoreeIds[{request.HonoreeIds!.ToList().IndexOf(talk.HonoreeIds[index])}]"
            : null;

    private static int? ListIndex(string field) =>
        field.StartsWith("honoreeIds[", StringComparison.Ordinal) && field.EndsWith(']')
        && int.TryParse(field.AsSpan(11, field.Length - 12), NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;
}

[ValidatableType]
public sealed record HonoreeTalkPath([property: Id] string branchId, [property: Id] string talkId) : IRecordPath
{
    public static string IdName => nameof(talkId);

    string IRecordPath.RecordId => talkId;
}

[ValidatableType]
public record HonoreeTalkRequest(
    [property: Required, Id] string? CampaignId,
    [property: Required, IdList(HonoreeTalksApi.MaxHonorees)] IReadOnlyList<string?>? HonoreeIds,
    [property: Text(HonoreeTalksApi.MaxTitle)] string? Title,
    [property: Required, Date(CampaignDay = true)] DateOnly? HeldOn,
    [property: Required, OneOf(typeof(HonoreeTalksApi), nameof(HonoreeTalksApi.Venues))] string? Venue,
    [property: Required, OneOf(typeof(HonoreeTalksApi), nameof(HonoreeTalksApi.Formats))] string? Format,
    [property: Required, Count] int? Audience,
    [property: Count] int? OnlineViews) : IRulesInAttributes;

[ValidatableType]
public sealed record HonoreeTalkImportRow : HonoreeTalkRequest, IImportRow
{
    public HonoreeTalkImportRow() : base(null, null, null, null, null, null, null, null) { }

    [Required, Id] public string? BranchId { get; init; }
    [Required, Id] public string? Id { get; init; }
}

public sealed record HonoreeTalkResponse(string BranchId, string Id, string RegionCode, string CampaignId,
    IReadOnlyList<string> HonoreeIds, string? Title, DateOnly HeldOn, string Venue, string Format, int Audience, int? OnlineViews,
    long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Voided, string? VoidReason);
