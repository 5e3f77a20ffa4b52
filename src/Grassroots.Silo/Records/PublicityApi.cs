using Grassroots.Domain;
using Grassroots.Domain.Records;
using Grassroots.Silo.Apis;
using Microsoft.Extensions.Validation;
using IdAttribute = Grassroots.Silo.Apis.IdAttribute;
using RequiredAttribute = Grassroots.Silo.Apis.RequiredAttribute;

namespace Grassroots.Silo.Records;

/// <summary>Publicity items (宣传报道) in newspapers, on TV, WeChat, 学习强国…: items and their reach.</summary>
public sealed class PublicityApi
    : RecordResource<PublicityItemPath, PublicityRequest, PublicityImportRow, PublicityItem, IPublicityItemGrain, PublicityResponse>
{
    public const int MaxOutlet = 200, MaxTitle = 200, MaxUrl = 2048;
    public static readonly Choices Channels = new(("newspaper", "报纸"), ("tv", "电视台"), ("website", "网站"), ("wechat", "微信公众号"),
        ("xuexi", "学习强国"), ("short-video", "短视频"), ("exhibition", "展板"), ("other", "其他"));

    public override RecordKind Kind => RecordKinds.Publicity;
    public override string Segment => "publicity";
    public override string JsonName => "publicity";
    public override string Tag => "Publicity";
    public override string OperationName => "PublicityItem";
    public override string Entity => "publicity item";
    public override string ChineseName => "宣传报道";
    public override string PutSummary => "Logs or corrects a publicity item; the same body twice changes nothing.";
    public override string GetSummary => "A publicity item with its version and whether it was voided.";
    public override string VoidSummary => "Voids a publicity item (reason required): it leaves every rollup and stays readable.";

    public override IReadOnlyDictionary<string, string[]> ImportHeaders { get; } = new Dictionary<string, string[]>
    {
        ["channel"] = ["渠道"],
        ["outlet"] = ["媒体", "刊发媒体"],
        ["title"] = ["标题"],
        ["url"] = ["链接", "网址"],
        ["publishedOn"] = ["日期", "发布日期"],
        ["reach"] = ["传播量", "阅读量"],
    };

    public override IReadOnlyDictionary<string, string> FigureHeaders { get; } = new Dictionary<string, string>
    {
        ["publicity_items"] = "宣传报道篇数", ["publicity_reach"] = "宣传传播量",
    };

    public override PublicityItem ToRecord(PublicityRequest request) => new(request.CampaignId!, request.Channel!, request.Outlet!,
        request.Title!, request.Url, request.PublishedOn!.Value, request.Reach);

    public override PublicityResponse ToResponse(LoggedRecord r) => r.Data is PublicityItem d
        ? new(r.BranchId, r.RecordId, r.RegionCode, d.CampaignId, d.Channel, d.Outlet, d.Title, d.Url, d.PublishedOn, d.Reach,
            r.Version, r.CreatedAt, r.UpdatedAt, r.Voided, r.VoidReason)
        : throw new ArgumentException("Not a publicity item.", nameof(r));
}

[ValidatableType]
public sealed record PublicityItemPath([property: Id] string branchId, [property: Id] string itemId) : IRecordPath
{
    public static string IdName => nameof(itemId);

    string IRecordPath.RecordId => itemId;
}

[ValidatableType]
public record PublicityRequest(
    [property: Required, Id] string? CampaignId,
    [property: Required, OneOf(typeof(PublicityApi), nameof(PublicityApi.Channels))] string? Channel,
    [property: Required, Text(PublicityApi.MaxOutlet)] string? Outlet,
    [property: Required, Text(PublicityApi.MaxTitle)] string? Title,
    [property: WebAddress(PublicityApi.MaxUrl)] string? Url,
    [property: Required, Date(CampaignDay = true)] DateOnly? PublishedOn,
    [property: Count] int? Reach);

[ValidatableType]
public sealed record PublicityImportRow : PublicityRequest, IImportRow
{
    public PublicityImportRow() : base(null, null, null, null, null, null, null) { }

    [Required, Id] public string? BranchId { get; init; }
    [Required, Id] public string? Id { get; init; }
}

public sealed record PublicityResponse(string BranchId, string Id, string RegionCode, string CampaignId, string Channel,
    string Outlet, string Title, string? Url, DateOnly PublishedOn, int? Reach,
    long Version, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, bool Voided, string? VoidReason);
