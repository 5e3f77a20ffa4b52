using Grassroots.Domain;
using Grassroots.Domain.Contracts;
using Grassroots.Domain.Model;
using Grassroots.Silo.Apis;

namespace Grassroots.Silo.Imports;

/// <summary>
/// One kind of row an import carries: its name in <c>?type=</c> and in a JSON body, its row type (the PUT's request plus
/// the ids its path carries, so the same field rules apply), the extra checks of its PUT endpoint and its CSV columns.
/// </summary>
public abstract class ImportKind
{
    /// <summary>As in ?type=: branches, or a record path (study-sessions, honoree-talks, publicity).</summary>
    public abstract string Type { get; }

    /// <summary>The list of a JSON import body holding rows of this kind.</summary>
    public abstract string JsonName { get; }

    public abstract Type RowType { get; }

    /// <summary>The CSV columns: each field of the row, nested ones flattened ("attendees.total"), with its Chinese headers.</summary>
    public abstract IReadOnlyList<ImportColumn> Columns { get; }

    /// <summary>A new, empty row, filled from cells by its columns' setters.</summary>
    public abstract object NewRow();

    /// <summary>The field rules of its rows, gathered once from the row type's DataAnnotations.</summary>
    public ImportRowRules Rules => _rules ??= ImportRowRules.Of(RowType);

    private ImportRowRules? _rules;
}

/// <summary>A kind of record: how a checked row becomes its record and is stored through its record grain.</summary>
public abstract class RecordImportKind : ImportKind
{
    public abstract RecordData ToRecord(object row);

    /// <summary>A field named by the grain, as the row names it (an honoree's position in the list sent).</summary>
    public virtual string Field(object row, RecordData data, string field) => field;

    /// <summary>Stores the record through its grain, as the PUT endpoint does.</summary>
    public abstract Task<RecordSaved> PutAsync(IGrainFactory grains, string branchId, string recordId, RecordData data, string actor);
}

/// <summary>
/// Branches (基层工会) registered or corrected as <c>PUT /api/branches/{branchId}</c> does; the <see cref="Importer"/>
/// stores them through their branch grains before it looks at the records of the same body.
/// </summary>
public sealed class BranchImportKind(IReadOnlyDictionary<string, string[]> chineseHeaders) : ImportKind
{
    public override string Type => "branches";
    public override string JsonName => "branches";
    public override Type RowType => typeof(BranchImportRow);
    public override IReadOnlyList<ImportColumn> Columns { get; } = ImportColumns.Of(typeof(BranchImportRow), chineseHeaders);
    public override object NewRow() => new BranchImportRow();

    /// <summary>The profile the PUT would store; called only for a row that passed its field rules.</summary>
    public static BranchProfile ToProfile(object row) => ((BranchImportRow)row).ToProfile();
}

internal sealed class ImportKind<TRow, TRequest, TData, TGrain>(
    string type, string jsonName, IReadOnlyDictionary<string, string[]> chineseHeaders,
    Func<TRequest, TData> toRecord, Func<TRequest, TData, string, string?>? field = null) : RecordImportKind
    where TRow : TRequest, IImportRow, new() where TRequest : class where TData : RecordData where TGrain : IRecordGrain<TData>
{
    public override string Type => type;
    public override string JsonName => jsonName;
    public override Type RowType => typeof(TRow);
    public override IReadOnlyList<ImportColumn> Columns { get; } = ImportColumns.Of(typeof(TRow), chineseHeaders);
    public override object NewRow() => new TRow();

    public override RecordData ToRecord(object row) => toRecord((TRequest)row);
    public override string Field(object row, RecordData data, string name) => field?.Invoke((TRequest)row, (TData)data, name) ?? name;

    public override async Task<RecordSaved> PutAsync(IGrainFactory grains, string branchId, string recordId, RecordData data, string actor) =>
        await grains.GetGrain<TGrain>($"{branchId}/{recordId}").PutAsync((TData)data, actor);
}

/// <summary>The kinds, by the names clients use; branches first, as they are applied first.</summary>
public static class ImportKinds
{
    public static readonly ImportKind Branches = new BranchImportKind(new Dictionary<string, string[]>
    {
        ["id"] = ["基层工会编号", "工会编号", "编号"],
        ["name"] = ["名称", "工会名称", "基层工会名称"],
        ["regionCode"] = ["地区代码", "县级行政区划代码", "行政区划代码"],
        ["sector"] = ["行业"],
        ["memberCount"] = ["会员人数"],
        ["kind"] = ["类型", "单位类型"],
    });

    private static readonly Dictionary<string, string[]> Shared = new()
    {
        ["branchId"] = ["基层工会编号", "工会编号"],
        ["id"] = ["记录编号", "编号"],
        ["campaignId"] = ["活动编号"],
        ["onlineViews"] = ["线上观看", "线上观看人次"],
    };

    public static readonly ImportKind StudySessions = new ImportKind<StudySessionImportRow, StudySessionRequest, StudySession, IStudySessionGrain>(
        "study-sessions", "studySessions", With(new()
        {
            ["title"] = ["标题", "主题"],
            ["heldOn"] = ["日期", "举办日期"],
            ["format"] = ["形式"],
            ["kind"] = ["类型"],
            ["attendees.total"] = ["参与人次"],
            ["attendees.frontline"] = ["一线职工人次", "一线职工"],
            ["attendees.youth"] = ["青年职工人次", "青年职工"],
            ["attendees.women"] = ["女职工人次", "女职工"],
            ["notes"] = ["备注"],
        }), StudySessionsApi.ToRecord);

    public static readonly ImportKind HonoreeTalks = new ImportKind<HonoreeTalkImportRow, HonoreeTalkRequest, HonoreeTalk, IHonoreeTalkGrain>(
        "honoree-talks", "honoreeTalks", With(new()
        {
            ["honoreeIds"] = ["劳模编号"],
            ["title"] = ["标题", "主题"],
            ["heldOn"] = ["日期", "宣讲日期"],
            ["venue"] = ["场所", "宣讲场所"],
            ["format"] = ["形式"],
            ["audience"] = ["现场受众", "现场受众人次"],
        }), HonoreeTalksApi.ToRecord, HonoreeTalksApi.SentField);

    public static readonly ImportKind Publicity = new ImportKind<PublicityImportRow, PublicityRequest, PublicityItem, IPublicityItemGrain>(
        "publicity", "publicity", With(new()
        {
            ["channel"] = ["渠道"],
            ["outlet"] = ["媒体", "刊发媒体"],
            ["title"] = ["标题"],
            ["url"] = ["链接", "网址"],
            ["publishedOn"] = ["日期", "发布日期"],
            ["reach"] = ["传播量", "阅读量"],
        }), PublicityApi.ToRecord);

    public static readonly ImportKind Competitions = new ImportKind<CompetitionImportRow, CompetitionRequest, Competition, ICompetitionGrain>(
        "competitions", "competitions", With(new()
        {
            ["title"] = ["竞赛名称", "标题"],
            ["kind"] = ["竞赛类型", "类型"],
            ["startsOn"] = ["开始日期", "日期"],
            ["endsOn"] = ["结束日期"],
            ["participants.total"] = ["参与人次"],
            ["participants.frontline"] = ["一线职工人次", "一线职工"],
            ["participants.youth"] = ["青年职工人次", "青年职工"],
            ["participants.women"] = ["女职工人次", "女职工"],
            ["awardees"] = ["获奖人数"],
            ["notes"] = ["备注"],
        }), CompetitionsApi.ToRecord);

    public static readonly IReadOnlyList<ImportKind> All = [Branches, StudySessions, HonoreeTalks, Publicity, Competitions];

    /// <summary>The values of ?type=, for its rule.</summary>
    public static Choices TypeNames { get; } = Choices.Of([.. All.Select(k => k.Type)]);

    public static ImportKind Named(string type) => All.Single(k => k.Type == type);

    private static Dictionary<string, string[]> With(Dictionary<string, string[]> own)
    {
        foreach (var (field, headers) in Shared) own.TryAdd(field, headers);
        return own;
    }
}
