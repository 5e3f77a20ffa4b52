using System.Text.Json;
using Grassroots.Domain;
using Grassroots.Domain.Audit;
using Grassroots.Domain.Branches;
using Grassroots.Domain.Honorees;
using Grassroots.Domain.Records;
using Grassroots.Domain.Regions;
using Grassroots.Domain.SignOff;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Records;
using Grassroots.Silo.Reports;
using Grassroots.Silo.Security;
using Grassroots.Silo.SignOff;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Validation;
using IdAttribute = Grassroots.Silo.Apis.IdAttribute;

namespace Grassroots.Silo.Audit;

/// <summary>
/// The audit trail (docs/sign-off.md): who changed what, when, from what to what — records created, corrected and voided,
/// branches, honorees and campaigns created and corrected, keys issued and revoked, periods submitted, approved, returned
/// and re-opened — newest first, a page at a time or as CSV for Excel. Scoped like reads: hq everything; a region-admin its
/// subtree (a branch's changes by the county it is in now, as reading it is); a branch key its own branch. Without
/// filters, a key sees its whole scope.
/// </summary>
public static class AuditApi
{
    public const int DefaultPageSize = 50, MaxPageSize = 500;

    /// <summary>The record types a filter names, as their paths and imports name them.</summary>
    public static readonly IReadOnlyDictionary<string, RecordKind> RecordTypes =
        RecordApis.All.ToDictionary(r => r.Segment, r => r.Kind, StringComparer.Ordinal);

    public static readonly Choices RecordTypeNames = Choices.Of([.. RecordTypes.Keys]);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder api)
    {
        api.MapGet("audit", GetAuditAsync).WithTags("Audit").WithName("GetAudit")
            .WithSummary("Who changed what, when, before and after, newest first, within the key's scope; filtered by branch, record, region and dates.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("audit.csv", GetAuditCsvAsync).WithTags("Audit").WithName("GetAuditCsv")
            .WithSummary("The same trail as CSV for Excel (UTF-8 with BOM, Chinese headers): every entry, or one page when page is given.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv").ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("audit.xlsx", GetAuditXlsxAsync).WithTags("Audit").WithName("GetAuditXlsx")
            .WithSummary("The same trail as an Excel workbook: times as Excel's dates and times in Beijing, the header row frozen.")
            .Produces<byte[]>(StatusCodes.Status200OK, XlsxFile.ContentType).ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static readonly SheetColumn[] Columns =
        [new("时间（北京时间）", 20, SheetValue.Time), new("操作", 10), new("对象类型", 12), new("对象编号", 24), new("基层工会编号", 20),
         new("地区代码", 10), new("操作者密钥", 18), new("操作者", 16), new("修改前", 60), new("修改后", 60)];

    public static async Task<Results<Ok<AuditPage>, ProblemHttpResult, ValidationProblem>> GetAuditAsync(
        [AsParameters] AuditTrailQuery query, AuditStore audit, RecordStore records, BranchStore branches, RegionDirectory regions, Access access,
        IGrainFactory grains, HttpContext context, CancellationToken cancellationToken)
    {
        var (page, pageSize) = (query.page, query.pageSize);
        var scoped = await ScopeAsync(query, regions, access, context);
        if (scoped.Refusal is { } refusal) return refusal;
        if (scoped.Invalid is { } invalid) return invalid;
        var (number, size) = (page.AsNumber() ?? 1, pageSize.AsNumber() ?? DefaultPageSize);
        var (total, items) = await PageAsync(new(audit, records, branches), grains, scoped.Filter!, number, size, withTotal: true, cancellationToken);
        return TypedResults.Ok(new AuditPage(number, size, total, items));
    }

    public static Task<Results<PushStreamHttpResult, ProblemHttpResult, ValidationProblem>> GetAuditCsvAsync(
        [AsParameters] AuditTrailQuery query, AuditStore audit, RecordStore records, BranchStore branches, RegionDirectory regions, Access access,
        IGrainFactory grains, HttpContext context) => GetAuditFileAsync(query, new(audit, records, branches), regions, access, grains, context, xlsx: false);

    public static Task<Results<PushStreamHttpResult, ProblemHttpResult, ValidationProblem>> GetAuditXlsxAsync(
        [AsParameters] AuditTrailQuery query, AuditStore audit, RecordStore records, BranchStore branches, RegionDirectory regions, Access access,
        IGrainFactory grains, HttpContext context) => GetAuditFileAsync(query, new(audit, records, branches), regions, access, grains, context, xlsx: true);

    private static async Task<Results<PushStreamHttpResult, ProblemHttpResult, ValidationProblem>> GetAuditFileAsync(
        AuditTrailQuery query, AuditReads reads, RegionDirectory regions, Access access, IGrainFactory grains, HttpContext context, bool xlsx)
    {
        var (page, pageSize) = (query.page, query.pageSize);
        var scoped = await ScopeAsync(query, regions, access, context);
        if (scoped.Refusal is { } refusal) return refusal;
        if (scoped.Invalid is { } invalid) return invalid;
        // Without a page, every entry, read MaxPageSize at a time (pageSize says how long a page is only with page): the
        // file is written as it is read, never held whole.
        var size = page is null ? MaxPageSize : pageSize.AsNumber() ?? MaxPageSize;
        async IAsyncEnumerable<object?[]> Rows()
        {
            for (var number = page.AsNumber() ?? 1; ; number++)
            {
                var (_, items) = await PageAsync(reads, grains, scoped.Filter!, number, size, withTotal: false, context.RequestAborted);
                foreach (var e in items)
                    yield return [e.At, WhatNames.GetValueOrDefault(e.What, e.What), EntityNames.GetValueOrDefault(e.Entity, e.Entity), e.Key, e.BranchId,
                        e.RegionCode, e.By.KeyId, e.By.Label, Text(e.Before), Text(e.After)];
                if (page is not null || items.Count < size) break;
            }
        }
        if (xlsx)
            return XlsxFile.Stream("audit.xlsx", context.RequestAborted, async file =>
            {
                await file.StartSheetAsync("修改记录", Columns, cancellationToken: context.RequestAborted);
                await foreach (var row in Rows()) await file.AddRowAsync(row, context.RequestAborted);
            });
        return TypedResults.Stream(async body =>
        {
            await using var csv = ReportsApi.CsvFile(body, [.. Columns.Select(c => c.Header)]);
            await foreach (var row in Rows()) await csv.WriteRecordAsync([.. row.Select(ReportsApi.CsvCell)], context.RequestAborted);
        }, ReportsApi.CsvType, "audit.csv");
    }

    private static string? Text(JsonElement json) => json.ValueKind == JsonValueKind.Null ? null : json.GetRawText();

    private sealed record Scoped(AuditFilter? Filter, ProblemHttpResult? Refusal = null, ValidationProblem? Invalid = null);

    /// <summary>
    /// The filter a request asks for inside its key's scope: a branch (its own key, an admin above it, hq); a region (a
    /// region-admin of it or above, hq); otherwise the key's whole scope. Anything outside the scope is refused (403).
    /// </summary>
    private static async Task<Scoped> ScopeAsync(AuditTrailQuery query, RegionDirectory regions, Access access, HttpContext context)
    {
        var (branchId, recordType, recordId, regionCode) = (query.branchId.Given(), query.recordType.Given(), query.recordId.Given(), query.regionCode.Given());
        var (from, to) = (query.from, query.to);
        var (first, last) = (from.AsDate(), to.AsDate());
        if (QueryValues.PeriodProblem(first, last) is { } period) return new(null, Invalid: period);
        if (recordId is not null && branchId is null)
            return new(null, Invalid: FieldChecks.Invalid("recordId", new(MessageKeys.RecordIdNeedsBranch)));
        if (regionCode is not null && regions.Find(regionCode) is null)
            return new(null, ApiProblems.Problem(StatusCodes.Status404NotFound, new(MessageKeys.NoRegion, regionCode)));

        var user = context.User;
        var holder = KeyHolder.From(user);
        if (branchId is not null && !await access.CanActForBranchAsync(user, branchId)) return new(null, Access.Refused());
        if (regionCode is not null && !access.CanReadRegion(user, regionCode)) return new(null, Access.Refused());
        var region = regionCode ?? (holder?.Role == Roles.RegionAdmin ? holder.Scope : null);
        if (holder?.Role == Roles.Branch) branchId ??= holder.Scope;
        IReadOnlyList<string>? codes = region is null || region == RegionDirectory.National ? null : [.. Domain.Campaigns.ApprovalLevels.Subtree(regions, region)];
        return new(new AuditFilter(branchId, codes, recordType is null ? null : RecordTypes[recordType], recordId,
            first is { } f ? Start(f) : null, last is { } l ? Start(l.AddDays(1)) : null));
    }

    /// <summary>Midnight in Beijing: the day a date means to the people who use the service.</summary>
    private static DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), ServiceClock.ChinaOffset);

    /// <summary>The data modules the trail reads: the changes, and what records and branches are for creations never changed.</summary>
    private sealed record AuditReads(AuditStore Audit, RecordStore Records, BranchStore Branches);

    private static async Task<(long Total, IReadOnlyList<AuditEntry> Items)> PageAsync(AuditReads reads, IGrainFactory grains, AuditFilter filter,
        int number, int size, bool withTotal, CancellationToken cancellationToken)
    {
        var (total, rows) = await reads.Audit.PageAsync(filter, number, size, withTotal, cancellationToken);
        var created = await CreatedAsync(reads, grains, rows.Where(r => r.Action == "create" && r.After is null).ToList(), cancellationToken);
        return (total, [.. rows.Select(r => Entry(r, r.Action == "create" && r.After is null ? created.GetValueOrDefault((r.Entity, r.Key)) : r.After))]);
    }

    /// <summary>
    /// What an entity was when created, for creations read from the fact rows: what its first change found it to be,
    /// or, never changed, what it is.
    /// </summary>
    private static async Task<Dictionary<(string Entity, string Key), string?>> CreatedAsync(AuditReads reads, IGrainFactory grains,
        IReadOnlyList<AuditRow> creations, CancellationToken cancellationToken)
    {
        var found = new Dictionary<(string, string), string?>();
        foreach (var entity in creations.GroupBy(c => c.Entity))
        {
            var keys = entity.Select(c => c.Key).Distinct().ToList();
            foreach (var (key, json) in await reads.Audit.FirstBeforeAsync(entity.Key, keys, cancellationToken)) found[(entity.Key, key)] = json;
            var unchanged = keys.Where(k => !found.ContainsKey((entity.Key, k))).ToList();
            if (unchanged.Count == 0) continue;
            if (RecordKinds.All.FirstOrDefault(k => k.Name == entity.Key) is { } kind)
            {
                var stored = await reads.Records.ReadManyAsync(kind, [.. unchanged.Select(k => (k[..k.IndexOf('/', StringComparison.Ordinal)], k[(k.IndexOf('/', StringComparison.Ordinal) + 1)..]))]);
                foreach (var record in stored) found[(entity.Key, $"{record.BranchId}/{record.RecordId}")] = Serialize(record);
            }
            else if (entity.Key == "branch")
            {
                foreach (var (id, profile) in await reads.Branches.ReadManyAsync(unchanged)) found[(entity.Key, id)] = Serialize(profile);
            }
            else if (entity.Key == "honoree")
            {
                foreach (var id in unchanged)
                    if (await grains.GetGrain<IHonoreeGrain>(id).GetAsync() is { } honoree) found[(entity.Key, id)] = Serialize(honoree.Value);
            }
        }
        return found;
    }

    private static string Serialize(object value) => JsonSerializer.Serialize(value, value.GetType(), Json);

    private static AuditEntry Entry(AuditRow r, string? after)
    {
        var kind = RecordKinds.All.FirstOrDefault(k => k.Name == r.Entity);
        var recordId = kind is null ? null : r.Key[(r.Key.IndexOf('/', StringComparison.Ordinal) + 1)..];
        return new AuditEntry(r.At, What(r.Entity, r.Action), r.Entity, r.Key, r.BranchId,
            kind is null ? null : RecordTypes.First(t => t.Value == kind).Key, recordId, r.RegionCode, KeyRef.Of(r.Actor, r.Label),
            Parse(r.Before), Parse(after));
    }

    /// <summary>The JSON of an entity, or JSON null (a JsonElement either way, so the document describes it as any JSON).</summary>
    private static JsonElement Parse(string? json) => json is null ? JsonNull : JsonDocument.Parse(json).RootElement.Clone();

    private static readonly JsonElement JsonNull = JsonDocument.Parse("null").RootElement.Clone();

    /// <summary>What the change was, in the words of the API: created, corrected, voided, key-issued, submitted…</summary>
    private static string What(string entity, string action) => (entity, action) switch
    {
        ("api-key", "create") => "key-issued",
        ("api-key", "revoke") => "key-revoked",
        (_, "create" or "import") => "created",
        (_, "update") => "corrected",
        (_, "void") => "voided",
        (_, "submit") => "submitted",
        (_, "approve") => "approved",
        (_, "return") => "returned",
        (_, "reopen") => "reopened",
        _ => action,
    };

    private static readonly Dictionary<string, string> WhatNames = new(StringComparer.Ordinal)
    {
        ["created"] = "新建", ["corrected"] = "修改", ["voided"] = "作废", ["submitted"] = "上报", ["approved"] = "审核通过",
        ["returned"] = "退回", ["reopened"] = "重新开放", ["key-issued"] = "签发密钥", ["key-revoked"] = "撤销密钥",
    };

    private static readonly Dictionary<string, string> EntityNames = new(RecordApis.All.ToDictionary(r => r.Kind.Name, r => r.ChineseName), StringComparer.Ordinal)
    {
        ["branch"] = "基层工会", ["honoree"] = "劳模", ["campaign"] = "活动", ["api-key"] = "密钥", [PeriodApprovalTable.Entity] = "审核期间",
    };
}

/// <summary>A page of the audit trail, newest first.</summary>
public sealed record AuditPage(int Page, int PageSize, long Total, IReadOnlyList<AuditEntry> Items);

/// <summary>
/// One change: when; what (created, corrected, voided, submitted, approved, returned, reopened, key-issued, key-revoked);
/// the entity (study-session, honoree-talk, publicity-item, branch, honoree, campaign, api-key, period) and its key; the
/// branch and region it belongs to; who (the key's id and label); the entity before and after, as JSON.
/// </summary>
public sealed record AuditEntry(DateTimeOffset At, string What, string Entity, string Key, string? BranchId, string? RecordType,
    string? RecordId, string? RegionCode, KeyRef By, JsonElement Before, JsonElement After);

/// <summary>The audit trail within the key's scope, filtered by branch, record, region and dates, a page at a time.</summary>
[ValidatableType]
public sealed record AuditTrailQuery([property: Id] string? branchId, [property: OneOf(typeof(AuditApi), nameof(AuditApi.RecordTypeNames))] string? recordType,
    [property: Id] string? recordId, [property: RegionCode(National = true)] string? regionCode, [property: Date] string? from,
    [property: Date] string? to, [property: Whole(1, int.MaxValue)] string? page, [property: Whole(1, AuditApi.MaxPageSize)] string? pageSize);
