using System.Globalization;
using CsvHelper;
using Grassroots.Domain;
using Grassroots.Domain.Branches;
using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Model;
using Grassroots.Domain.Regions;
using Grassroots.Domain.Rollups;
using Grassroots.Domain.SignOff;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Branches;
using Grassroots.Silo.Records;
using Grassroots.Silo.Rollups;
using Grassroots.Silo.Security;
using Grassroots.Silo.SignOff;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Validation;
using IdAttribute = Grassroots.Silo.Apis.IdAttribute;
using RequiredAttribute = Grassroots.Silo.Apis.RequiredAttribute;

namespace Grassroots.Silo.Reports;

/// <summary>
/// Tables headquarters and the federations forward: the provinces' figures and any region's children's figures (the
/// dashboard's table of child regions; both read from the region's rollup grain, never recounted) and the branches of a
/// region that have not reported in a campaign (the region's branch list, filtered). Each comes as CSV —
/// UTF-8 with a byte order mark and Chinese headers, so that Excel opens it as it is, a cell that would start a formula
/// escaped — and as an Excel workbook (.xlsx) with the same columns, its numbers and dates as Excel's own, the header row
/// frozen. Scoped like rollups. The honoree ranking is HonoreeLeaderboardApi; figures over time are the rollup series.
/// </summary>
public static class ReportsApi
{
    public const string CsvType = "text/csv; charset=utf-8";

    /// <summary>
    /// The figures' columns, as the dashboard's own CSV names them: each counted figure in county_days' order, headed as the
    /// first record kind counting it names it (<see cref="RecordResource.FigureHeaders"/>), then the branches'.
    /// </summary>
    public static readonly string[] FigureHeaders =
        [.. Domain.Model.Figures.Columns.Where(c => c != Domain.Model.Figures.ActiveColumn).Select(c => RecordApis.All.First(r => r.FigureHeaders.ContainsKey(c)).FigureHeaders[c]),
         "已开展基层工会", "已登记基层工会", "覆盖率"];

    private static readonly SheetColumn[] ProvinceColumns =
        [new("省份代码", 10), new("省份", 14), .. FigureHeaders.Select(h => new SheetColumn(h, 14, h == "覆盖率" ? SheetValue.Share : SheetValue.Whole))];

    private const string NationalTotal = "全国合计";

    private static readonly SheetColumn[] ChildColumns =
        [new("地区代码", 10), new("地区", 14), .. FigureHeaders.Select(h => new SheetColumn(h, 14, h == "覆盖率" ? SheetValue.Share : SheetValue.Whole))];

    private static readonly SheetColumn[] InactiveColumns =
        [new("基层工会编号", 20), new("名称", 32), new("县级地区代码", 12), new("县（区）", 14), new("市", 14), new("省", 12),
         new("会员人数", 10, SheetValue.Whole), new("类型", 12)];

    public static RouteGroupBuilder MapReportsApi(this RouteGroupBuilder api)
    {
        var reports = api.MapGroup("reports").WithTags("Reports");
        reports.MapGet("provinces.csv", GetProvincesCsvAsync).WithName("GetProvincesCsv")
            .WithSummary("One row per province with the campaign's figures (records dated from..to), and the national total; CSV for Excel.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
        reports.MapGet("provinces.xlsx", GetProvincesXlsxAsync).WithName("GetProvincesXlsx")
            .WithSummary("The same table as an Excel workbook: numbers as numbers, coverage as a percentage, the header row frozen.")
            .Produces<byte[]>(StatusCodes.Status200OK, XlsxFile.ContentType);
        reports.MapGet("children.csv", GetChildrenCsvAsync).WithName("GetChildRegionsCsv")
            .WithSummary("One row per region directly under the region (its provinces, cities or counties) with the campaign's figures " +
                "(records dated from..to), and the region's own total: the dashboard's table of child regions; CSV for Excel.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
        reports.MapGet("children.xlsx", GetChildrenXlsxAsync).WithName("GetChildRegionsXlsx")
            .WithSummary("The same table as an Excel workbook: numbers as numbers, coverage as a percentage, the header row frozen.")
            .Produces<byte[]>(StatusCodes.Status200OK, XlsxFile.ContentType);
        reports.MapGet("inactive-branches", GetInactiveBranchesAsync).WithName("GetInactiveBranches")
            .WithSummary("Registered branches of a region with no record in the campaign (who has not reported), a page at a time.");
        reports.MapGet("inactive-branches.csv", GetInactiveBranchesCsvAsync).WithName("GetInactiveBranchesCsv")
            .WithSummary("The same list as CSV for Excel, every branch (or one page when page is given).")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");
        reports.MapGet("inactive-branches.xlsx", GetInactiveBranchesXlsxAsync).WithName("GetInactiveBranchesXlsx")
            .WithSummary("The same list as an Excel workbook, every branch (or one page when page is given).")
            .Produces<byte[]>(StatusCodes.Status200OK, XlsxFile.ContentType);
        return api;
    }

    private static Task<Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult>> GetProvincesCsvAsync([AsParameters] CampaignFiguresQuery query,
        RollupReplica rollups, CampaignDirectory campaigns, RegionDirectory regions, Access access, HttpContext context) =>
        GetProvincesAsync(query, rollups, campaigns, regions, access, context, xlsx: false);

    private static Task<Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult>> GetProvincesXlsxAsync([AsParameters] CampaignFiguresQuery query,
        RollupReplica rollups, CampaignDirectory campaigns, RegionDirectory regions, Access access, HttpContext context) =>
        GetProvincesAsync(query, rollups, campaigns, regions, access, context, xlsx: true);

    private static async Task<Results<PushStreamHttpResult, ValidationProblem, ProblemHttpResult>> GetProvincesAsync(
        CampaignFiguresQuery query, RollupReplica rollups, CampaignDirectory campaigns, RegionDirectory regions, Access access,
        HttpContext context, bool xlsx)
    {
        var campaignId = query.campaignId;
        var (first, last) = (query.from.AsDate(), query.to.AsDate());
        if ((QueryValues.PeriodProblem(first, last) ?? await campaigns.CampaignProblemAsync(campaignId)) is { } invalid) return invalid;
        if (!access.CanReadRegion(context.User, RegionDirectory.National)) return Access.Refused();

        var rows = await ChildFiguresAsync(RegionDirectory.National, NationalTotal, campaignId!, first, last, rollups, regions);
        return FiguresFile($"provinces-{campaignId}", "各省份汇总", ProvinceColumns, rows, context, xlsx);
    }

    private static Task<Results<PushStreamHttpResult, NotFound, ValidationProblem, ProblemHttpResult>> GetChildrenCsvAsync([AsParameters] ChildRegionsQuery query,
        RollupReplica rollups, CampaignDirectory campaigns, RegionDirectory regions, PeriodApprovalTable approvals, TimeProvider clock, Access access,
        HttpContext context) =>
        GetChildrenAsync(query, rollups, campaigns, regions, approvals, clock, access, context, xlsx: false);

    private static Task<Results<PushStreamHttpResult, NotFound, ValidationProblem, ProblemHttpResult>> GetChildrenXlsxAsync([AsParameters] ChildRegionsQuery query,
        RollupReplica rollups, CampaignDirectory campaigns, RegionDirectory regions, PeriodApprovalTable approvals, TimeProvider clock, Access access,
        HttpContext context) =>
        GetChildrenAsync(query, rollups, campaigns, regions, approvals, clock, access, context, xlsx: true);

    /// <summary>The dashboard's table of child regions as a file: read, like the table, from the region's rollup grain.</summary>
    private static async Task<Results<PushStreamHttpResult, NotFound, ValidationProblem, ProblemHttpResult>> GetChildrenAsync(
        ChildRegionsQuery query, RollupReplica rollups, CampaignDirectory campaigns, RegionDirectory regions, PeriodApprovalTable approvals,
        TimeProvider clock, Access access, HttpContext context, bool xlsx)
    {
        var (code, campaignId) = (query.regionCode.Given() ?? RegionDirectory.National, query.campaignId);
        var (first, last) = (query.from.AsDate(), query.to.AsDate());
        if (QueryValues.PeriodProblem(first, last) is { } invalid) return invalid;
        switch (await CheckAsync(code, campaignId, campaigns, regions, access, context))
        {
            case NotFound n: return n;
            case ValidationProblem p: return p;
            case ProblemHttpResult r: return r;
        }
        var total = code == RegionDirectory.National ? NationalTotal : $"{regions.Find(code)!.Name}合计";
        var rows = await ChildFiguresAsync(code, total, campaignId!, first, last, rollups, regions);
        if (query.period.Given() is not { } period)
            return FiguresFile($"children-{code}-{campaignId}", "下级地区", ChildColumns, rows, context, xlsx);

        // The dashboard's 审核状态 beside the figures: each child's sign-off of the period; the region's total has none.
        var campaign = (await campaigns.GetAsync(campaignId!))!.Value;
        if (ApprovalsApi.ReportingPeriodProblem(campaign, campaignId!, regions, code, period, clock, submitter: false) is { } wrongPeriod) return wrongPeriod;
        var states = (await ApprovalsApi.ChildStatesAsync(regions, approvals, campaign, code, period, context.RequestAborted))
            .ToDictionary(c => c.Code, ApprovalChoices.Describe);
        rows = [.. rows.Select(row => (object?[])[.. row, states.GetValueOrDefault((string)row[0]!)])];
        return FiguresFile($"children-{code}-{campaignId}-{period}", "下级地区", [.. ChildColumns, new("审核状态", 18)], rows, context, xlsx);
    }

    /// <summary>A row of figures per child of the region, then the region's own total.</summary>
    private static async Task<object?[][]> ChildFiguresAsync(string code, string totalName, string campaignId, DateOnly? first, DateOnly? last,
        RollupReplica rollups, RegionDirectory regions)
    {
        var view = await rollups.GetRollupAsync(code, campaignId, first, last);
        var names = regions.Children(code).ToDictionary(c => c.Code, c => c.Name);
        return [.. view.Children.Select(c => Figures(c.Code, names[c.Code], c.Totals)), Figures(code, totalName, view.Totals)];
    }

    /// <summary>Rows of figures as a workbook of one sheet, or as CSV with the same header.</summary>
    private static PushStreamHttpResult FiguresFile(string name, string sheet, SheetColumn[] columns, object?[][] rows, HttpContext context, bool xlsx)
    {
        if (xlsx)
            return XlsxFile.Stream($"{name}.xlsx", context.RequestAborted, async file =>
            {
                await file.StartSheetAsync(sheet, columns, cancellationToken: context.RequestAborted);
                foreach (var row in rows) await file.AddRowAsync(row, context.RequestAborted);
            });
        return TypedResults.Stream(async body =>
        {
            await using var csv = CsvFile(body, [.. columns.Select(c => c.Header)]);
            foreach (var row in rows) await csv.WriteRecordAsync([.. row.Select(CsvCell)]);
        }, CsvType, $"{name}.csv");
    }

    private static async Task<Results<Ok<InactiveBranchesReport>, NotFound, ValidationProblem, ProblemHttpResult>> GetInactiveBranchesAsync(
        [AsParameters] InactiveBranchesQuery query, CampaignDirectory campaigns, RegionDirectory regions, BranchStore branchStore, Access access,
        HttpContext context, CancellationToken cancellationToken)
    {
        var (code, campaignId, page, pageSize) = (query.regionCode.Given() ?? RegionDirectory.National, query.campaignId, query.page, query.pageSize);
        switch (await CheckAsync(code, campaignId, campaigns, regions, access, context))
        {
            case NotFound n: return n;
            case ValidationProblem p: return p;
            case ProblemHttpResult r: return r;
        }
        var branches = await BranchesApi.PageAsync(branchStore, regions, code, campaignId, false, page.AsNumber() ?? 1,
            pageSize.AsNumber() ?? BranchesApi.DefaultPageSize, cancellationToken);
        return TypedResults.Ok(new InactiveBranchesReport(code, campaignId!, branches.Page, branches.PageSize, branches.Total,
            [.. branches.Items.Select(b => Inactive(b, regions))]));
    }

    private static Task<Results<PushStreamHttpResult, NotFound, ValidationProblem, ProblemHttpResult>> GetInactiveBranchesCsvAsync(
        [AsParameters] InactiveBranchesQuery query, CampaignDirectory campaigns, RegionDirectory regions, BranchStore branchStore, Access access,
        HttpContext context) => GetInactiveBranchesFileAsync(query, campaigns, regions, branchStore, access, context, xlsx: false);

    private static Task<Results<PushStreamHttpResult, NotFound, ValidationProblem, ProblemHttpResult>> GetInactiveBranchesXlsxAsync(
        [AsParameters] InactiveBranchesQuery query, CampaignDirectory campaigns, RegionDirectory regions, BranchStore branchStore, Access access,
        HttpContext context) => GetInactiveBranchesFileAsync(query, campaigns, regions, branchStore, access, context, xlsx: true);

    private static async Task<Results<PushStreamHttpResult, NotFound, ValidationProblem, ProblemHttpResult>> GetInactiveBranchesFileAsync(
        InactiveBranchesQuery query, CampaignDirectory campaigns, RegionDirectory regions, BranchStore branchStore, Access access,
        HttpContext context, bool xlsx)
    {
        var (code, campaignId, page, pageSize) = (query.regionCode.Given() ?? RegionDirectory.National, query.campaignId, query.page, query.pageSize);
        switch (await CheckAsync(code, campaignId, campaigns, regions, access, context))
        {
            case NotFound n: return n;
            case ValidationProblem p: return p;
            case ProblemHttpResult r: return r;
        }
        var size = pageSize.AsNumber() ?? BranchesApi.MaxPageSize;
        // Without a page, every page in turn: the file is written as it is read, never held whole.
        async IAsyncEnumerable<object?[]> Rows()
        {
            for (var number = page.AsNumber() ?? 1; ; number++)
            {
                var branches = await BranchesApi.PageAsync(branchStore, regions, code, campaignId, false, number, size, context.RequestAborted);
                foreach (var b in branches.Items.Select(b => Inactive(b, regions)))
                    yield return [b.Id, b.Name, b.RegionCode, b.CountyName, b.CityName, b.ProvinceName, b.MemberCount, b.Kind];
                if (page is not null || (long)number * size >= branches.Total) break;
            }
        }
        var name = $"inactive-branches-{code}-{campaignId}";
        if (xlsx)
            return XlsxFile.Stream($"{name}.xlsx", context.RequestAborted, async file =>
            {
                await file.StartSheetAsync("未开展的基层工会", InactiveColumns, cancellationToken: context.RequestAborted);
                await foreach (var row in Rows()) await file.AddRowAsync(row, context.RequestAborted);
            });
        return TypedResults.Stream(async body =>
        {
            await using var csv = CsvFile(body, [.. InactiveColumns.Select(c => c.Header)]);
            await foreach (var row in Rows()) await csv.WriteRecordAsync([.. row.Select(CsvCell)], context.RequestAborted);
        }, CsvType, $"{name}.csv");
    }

    /// <summary>The region exists (404), the campaign too (400), and the key may read the region (403).</summary>
    private static async Task<IResult?> CheckAsync(string code, string? campaignId, CampaignDirectory campaigns, RegionDirectory regions,
        Access access, HttpContext context)
    {
        if (regions.Find(code) is null) return TypedResults.NotFound();
        if (await campaigns.CampaignProblemAsync(campaignId) is { } invalid) return invalid;
        return access.CanReadRegion(context.User, code) ? null : Access.Refused();
    }

    private static InactiveBranch Inactive(BranchListItem b, RegionDirectory regions)
    {
        var chain = regions.Chain(b.RegionCode).Select(regions.Find).ToList();
        string? NameAt(RegionLevel level) => chain.FirstOrDefault(r => r?.Level == level)?.Name;
        return new InactiveBranch(b.Id, b.Name, b.RegionCode, NameAt(RegionLevel.County), NameAt(RegionLevel.City), NameAt(RegionLevel.Province),
            b.MemberCount, b.Kind);
    }

    private static object?[] Figures(string code, string name, Totals t) =>
    [
        code, name, t.StudySessions, t.Attendance, t.Frontline, t.Youth, t.Women, t.HonoreeTalks, t.TalkAudience, t.OnlineViews,
        t.PublicityItems, t.PublicityReach, t.Competitions, t.CompetitionParticipants, t.Awardees, t.ActiveBranches, t.RegisteredBranches, t.Coverage,
    ];

    /// <summary>A value as a CSV cell: numbers invariant (a share to four places), times in Beijing.</summary>
    public static string? CsvCell(object? value) => value switch
    {
        null => null,
        double share => share.ToString("0.####", CultureInfo.InvariantCulture),
        DateTimeOffset at => at.ToOffset(Domain.ServiceClock.ChinaOffset).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
        DateOnly day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
        var other => other.ToString(),
    };

    /// <summary>A CSV file for Excel: UTF-8 with a byte order mark (so the Chinese reads right), CRLF, formulas escaped.</summary>
    internal static CsvWriter CsvFile(Stream body, string[] header)
    {
        var csv = CsvWriter.Create(body, new CsvWriterOptions { WriteByteOrderMark = true, Injection = CsvInjection.Escape }, leaveOpen: true);
        csv.WriteRecord(header);
        return csv;
    }
}

/// <summary>The branches of a region that have not reported in a campaign: registered, with no non-voided record of it.</summary>
public sealed record InactiveBranchesReport(string RegionCode, string CampaignId, int Page, int PageSize, long Total,
    IReadOnlyList<InactiveBranch> Items);

public sealed record InactiveBranch(string Id, string Name, string RegionCode, string? CountyName, string? CityName, string? ProvinceName,
    int MemberCount, string? Kind);

/// <summary>
/// A region's children's figures in a campaign (the region defaults to the nation), records dated from..to; with a
/// reporting period of the campaign, each child's sign-off of it too.
/// </summary>
[ValidatableType]
public sealed record ChildRegionsQuery([property: RegionCode(National = true)] string? regionCode, [property: Required, Id] string? campaignId,
    [property: Date] string? from, [property: Date] string? to, [property: Period] string? period = null);

/// <summary>The branches of a region (CN when absent) that have not reported in a campaign.</summary>
[ValidatableType]
public sealed record InactiveBranchesQuery([property: RegionCode(National = true)] string? regionCode, [property: Required, Id] string? campaignId,
    [property: Whole(1, int.MaxValue)] string? page, [property: Whole(1, BranchesApi.MaxPageSize)] string? pageSize);
