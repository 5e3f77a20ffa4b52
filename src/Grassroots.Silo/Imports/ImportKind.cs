using Grassroots.Domain;
using Grassroots.Domain.Branches;
using Grassroots.Domain.Records;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Branches;
using Grassroots.Silo.Honorees;
using Grassroots.Silo.Records;

namespace Grassroots.Silo.Imports;

/// <summary>
/// One kind of row an import carries: its name in <c>?type=</c> and in a JSON body, its row type (the PUT's request plus
/// the ids its path carries, so the same field rules apply), the extra checks of its PUT endpoint and its CSV columns.
/// </summary>
public abstract class ImportKind
{
    /// <summary>As in ?type=: branches, or a record kind's path (study-sessions, honoree-talks, publicity, competitions).</summary>
    public abstract string Type { get; }

    /// <summary>The list of a JSON import body holding rows of this kind.</summary>
    public abstract string JsonName { get; }

    public abstract Type RowType { get; }

    /// <summary>The CSV columns: each field of the row, nested ones flattened ("attendees.total"), with its Chinese headers.</summary>
    public abstract IReadOnlyList<ImportColumn> Columns { get; }

    /// <summary>A new, empty row, filled from cells by its columns' setters.</summary>
    public abstract object NewRow();

    /// <summary>The field rules of its rows, compiled once from the row type's DataAnnotations (the PUT's, by its path's ids).</summary>
    public FieldRules Rules => _rules ??= FieldRules.Of(RowType);

    private FieldRules? _rules;
}

/// <summary>
/// A kind of record (<see cref="RecordResource"/>): how a checked row becomes its record and is stored through its record
/// grain, as its PUT does.
/// </summary>
public sealed class RecordImportKind(RecordResource resource, IReadOnlyDictionary<string, string[]> chineseHeaders) : ImportKind
{
    public override string Type => resource.Segment;
    public override string JsonName => resource.JsonName;
    public override Type RowType => resource.RowType;
    public override IReadOnlyList<ImportColumn> Columns { get; } = ImportColumns.Of(resource.RowType, chineseHeaders);
    public override object NewRow() => resource.NewRow();

    public RecordData ToRecord(object row) => resource.RecordOf(row);

    /// <summary>A field named by the grain, as the row names it (an honoree's position in the list sent).</summary>
    public string Field(object row, RecordData data, string field) => resource.SentFieldOf(row, data, field);

    public Task<RecordSaved> PutAsync(IGrainFactory grains, string branchId, string recordId, RecordData data, string actor) =>
        resource.PutAsync(grains, branchId, recordId, data, actor);
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

    /// <summary>Every kind: branches, then the record kinds, each with its own headers and those all kinds share.</summary>
    public static readonly IReadOnlyList<ImportKind> All =
        [Branches, .. RecordApis.All.Select(kind => new RecordImportKind(kind, With(kind.ImportHeaders)))];

    /// <summary>The commonest kind, for a reader that needs one (the Excel bench).</summary>
    public static readonly ImportKind StudySessions = Named("study-sessions");

    /// <summary>The values of ?type=, for its rule.</summary>
    public static Choices TypeNames { get; } = Choices.Of([.. All.Select(k => k.Type)]);

    public static ImportKind Named(string type) => All.Single(k => k.Type == type);

    private static Dictionary<string, string[]> With(IReadOnlyDictionary<string, string[]> own)
    {
        var headers = new Dictionary<string, string[]>(own);
        foreach (var (field, shared) in Shared) headers.TryAdd(field, shared);
        return headers;
    }
}
