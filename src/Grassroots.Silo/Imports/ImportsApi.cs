using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Grassroots.Domain;
using Grassroots.Domain.Branches;
using Grassroots.Domain.Regions;
using Grassroots.Silo.Apis;
using Grassroots.Silo.Branches;
using Grassroots.Silo.Reports;
using Grassroots.Silo.Security;
using RequiredAttribute = Grassroots.Silo.Apis.RequiredAttribute;

// The field rule of an id, not Orleans' member id.
using IdAttribute = Grassroots.Silo.Apis.IdAttribute;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Microsoft.Extensions.Validation;

namespace Grassroots.Silo.Imports;

/// <summary>
/// Bulk imports of what branches and county federations kept on paper or in Excel: JSON, CSV (UTF-8 or GB18030, Chinese
/// or API column names) or an Excel workbook's first sheet, up to 16 MiB a request. Each row is stored as its single PUT would be, with the same rules and the
/// same key scope; rows the service refuses are reported by line or index and field while the others are stored. The body
/// is spooled to a temporary file (never held in memory) and read once to check it can be imported at all, so a body that
/// cannot (malformed JSON, a header without the required columns, no rows) is a 400 with nothing stored.
/// </summary>
public static class ImportsApi
{
    public static RouteGroupBuilder MapImportsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("imports").WithTags("Imports");
        group.MapPost("", PostImportAsync).WithName("PostImport")
            .WithSummary("Imports branches and records from JSON, CSV or Excel (.xlsx); with async=true as a job that survives restarts (202).")
            .WithDescription("JSON: {branches, studySessions, honoreeTalks, publicity}, each record row the body of its PUT plus " +
                "branchId and id, each branch row the body of PUT /api/branches/{branchId} plus id; a body's branches are stored " +
                "before its records, wherever their list stands. " +
                "CSV (text/csv, one kind per file, ?type=): a header naming the fields by their API names (attendees.total) or in " +
                "Chinese (参与人次), UTF-8 with or without BOM or GB18030, one of them throughout (else 400 naming the line and " +
                "byte of the first bad byte; a charset in the Content-Type is held to strictly). Rows go through the same checks " +
                "as single PUTs; the answer counts imported, updated, unchanged and rejected rows and lists why rows were rejected, by CSV line or JSON index " +
                "and field. Excel (.xlsx, ?type=): the first sheet, read as a CSV file of the same kind (its first row the header; dates as dates or " +
                "YYYY-MM-DD text), each rejected row named by sheet, row and column; refused with 400, nothing stored, when it is not a workbook, is " +
                "encrypted, unpacks too far (a zip bomb), holds a formula or merged cells, a date column holds bare numbers, its first sheet is empty, " +
                "or it has more than 1,000,000 rows. dryRun=true stores nothing and says what would happen. Importing the same body twice: all unchanged.")
            .Accepts<Grassroots.Silo.Imports.ImportBody>("application/json", "text/csv", ImportFormat.XlsxMediaType)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                // The CSV body is text and the Excel body a file, whatever the JSON rows look like.
                if (operation.RequestBody?.Content is { } content && content.ContainsKey("text/csv"))
                {
                    content["text/csv"] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
                    content[ImportFormat.XlsxMediaType] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
                }
                (operation.Extensions ??= new Dictionary<string, IOpenApiExtension>())["x-csv-columns"] = new JsonNodeExtension(CsvColumns());
                return Task.CompletedTask;
            })
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        group.MapGet("templates/{type}.xlsx", GetTemplateAsync).WithName("GetImportTemplate")
            .WithSummary("An Excel template for one kind of row: the CSV headers in Chinese, a dropdown of labels for every column of fixed " +
                "values, dates formatted as dates; for a county's admin key a second sheet lists the county's branches, which the " +
                "branch column offers.")
            .Produces<byte[]>(StatusCodes.Status200OK, XlsxFile.ContentType);
        group.MapGet("{importId}", GetImportAsync).WithName("GetImport")
            .WithSummary("An import job's state (queued, running, done, failed), its counts so far and its conflicts.");
        return api;
    }

    private static async Task<Results<Ok<ImportResult>, Accepted<ImportAccepted>, ValidationProblem, ProblemHttpResult>> PostImportAsync(
        [AsParameters] ImportQuery query, Importer importer, ImportUploadStore uploads, IGrainFactory grains, IOptions<JsonOptions> json, HttpContext context,
        CancellationToken cancellationToken)
    {
        ImportFormat? format;
        try
        {
            format = ImportFormat.From(context.Request.ContentType, query.type.Given());
        }
        catch (ImportFormatException e)
        {
            return Invalid(e);
        }
        if (format is null)
            return ApiProblems.Problem(StatusCodes.Status415UnsupportedMediaType, new(MessageKeys.ImportMediaType));

        await using var upload = await ImportUpload.SpoolAsync(context.Request.Body, cancellationToken);
        ImportShape shape;
        try
        {
            shape = await ImportShape.CheckAsync(upload.Open, format, json.Value.SerializerOptions, cancellationToken);
        }
        catch (ImportFormatException e)
        {
            return Invalid(e);
        }

        var dry = query.dryRun == "true";
        if (query.async == "true")
        {
            var importId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            await using (var body = upload.Open()) await uploads.StoreAsync(importId, body, cancellationToken);
            var holder = KeyHolder.From(context.User)!;
            await grains.GetGrain<IImportJobGrain>(importId).StartAsync(
                new ImportJobSpec(shape.Format.ToString(), dry, Caller.Actor(context), holder.KeyId, holder.Role, holder.Scope, shape.Rows));
            return TypedResults.Accepted($"/api/imports/{importId}", new ImportAccepted(importId));
        }

        return TypedResults.Ok(await importer.RunAsync(
            ImportShape.ReadRows(upload.Open, shape.Format, json.Value.SerializerOptions, parse: true, cancellationToken),
            new ImportRun(dry, Caller.Actor(context), context.User), cancellationToken));
    }

    private static async Task<Results<Ok<ImportJobResponse>, ProblemHttpResult>> GetImportAsync(
        [Id] string importId, IGrainFactory grains, Access access, RegionDirectory regions, HttpContext context)
    {
        if (await grains.GetGrain<IImportJobGrain>(importId).GetAsync() is not { } job)
            return ApiProblems.Problem(StatusCodes.Status404NotFound, new(MessageKeys.NoImport, importId));
        if (!await MayReadAsync(context, job.Spec, access, regions)) return Access.Refused();
        var r = job.Result;
        return TypedResults.Ok(new ImportJobResponse(importId, job.State, r.DryRun, r.RowsRead, r.Imported, r.Updated, r.Unchanged,
            r.Rejected, r.Conflicts, job.CreatedAt, job.StartedAt, job.FinishedAt) { RowsTotal = job.Spec.Rows, Error = job.Error });
    }

    /// <summary>The sheet of a county admin's template that lists the county's branches.</summary>
    public const string BranchesSheet = "本县基层工会";

    private static readonly SheetColumn[] BranchListColumns = [new("基层工会编号", 20), new("名称", 32), new("会员人数", 10, SheetValue.Whole)];

    private static async Task<PushStreamHttpResult> GetTemplateAsync([AsParameters] ImportTemplateQuery query, BranchStore store,
        RegionDirectory regions, HttpContext context)
    {
        var kind = ImportKinds.Named(query.type!);
        // A county's admin fills in its branches' rows: the county's branches are listed, read before the file is written.
        var county = KeyHolder.From(context.User) is { Role: Roles.RegionAdmin, Scope: var scope } && regions.IsLeaf(scope) ? scope : null;
        var branches = new List<BranchListItem>();
        for (var page = 1; county is not null; page++)
        {
            var found = await BranchesApi.PageAsync(store, regions, county, null, false, page, BranchesApi.MaxPageSize, context.RequestAborted);
            branches.AddRange(found.Items);
            if ((long)page * found.PageSize >= found.Total) break;
        }
        var columns = kind.Columns.Select(c => new SheetColumn(c.Title, Math.Max(12, c.Title.Length * 2 + 4), c.Value switch
        {
            ColumnValue.Whole => SheetValue.Whole,
            ColumnValue.Date => SheetValue.Date,
            _ => SheetValue.Text,
        })
        {
            Choices = c.Values is { } values ? [.. values.Select(v => values.Label(v) ?? v)] : null,
            ChoicesFrom = c.Field == "branchId" && branches.Count > 0 ? (BranchesSheet, branches.Count) : null,
        }).ToList();
        return XlsxFile.Stream($"{kind.Type}-template.xlsx", context.RequestAborted, async file =>
        {
            await file.StartSheetAsync(ImportTypeNames.GetValueOrDefault(kind.Type, kind.Type), columns, XlsxFile.TemplateRows, context.RequestAborted);
            if (county is null) return;
            await file.StartSheetAsync(BranchesSheet, BranchListColumns, cancellationToken: context.RequestAborted);
            foreach (var b in branches) await file.AddRowAsync([b.Id, b.Name, b.MemberCount], context.RequestAborted);
        });
    }

    /// <summary>The kinds' names as a sheet is named (the dashboard's names for them).</summary>
    private static readonly Dictionary<string, string> ImportTypeNames = new()
    {
        ["branches"] = "基层工会", ["study-sessions"] = "学习场次", ["honoree-talks"] = "劳模宣讲", ["publicity"] = "宣传报道",
    };

    /// <summary>hq, the key that imported, a key of the same scope, or a region-admin above that scope.</summary>
    private static async Task<bool> MayReadAsync(HttpContext context, ImportJobSpec spec, Access access, RegionDirectory regions) =>
        KeyHolder.From(context.User) switch
        {
            { Role: Roles.Hq } => true,
            { } caller when caller.KeyId == spec.KeyId || (caller.Role == spec.Role && caller.Scope == spec.Scope) => true,
            { Role: Roles.RegionAdmin } admin => await access.ScopeRegionAsync(spec.Role, spec.Scope) is { } region
                && regions.IsWithin(region, admin.Scope),
            _ => false,
        };

    /// <summary>
    /// The CSV columns of each ?type=, as the reader takes them: the field, the headers that name it (API name first, then
    /// Chinese), whether it is required and the values it takes with their Chinese labels (a cell may hold either); the
    /// dashboard makes its template files from this.
    /// </summary>
    private static JsonObject CsvColumns() => new(ImportKinds.All.Select(kind => KeyValuePair.Create(kind.Type, (JsonNode?)new JsonArray(
        [.. kind.Columns.Select(c => (JsonNode?)new JsonObject
        {
            ["field"] = c.Field, ["headers"] = new JsonArray([.. c.Headers.Select(h => (JsonNode?)h)]), ["required"] = c.Required,
            ["values"] = c.Values is { } values
                ? new JsonArray([.. values.Select(v => (JsonNode?)new JsonObject { ["value"] = v, ["label"] = values.Label(v) })])
                : null,
        })]))));

    private static ValidationProblem Invalid(ImportFormatException e) => FieldChecks.Invalid(e.Field, e.Reason);
}

/// <summary>How an import runs: checked only, as a job, and the kind of a CSV file.</summary>
[ValidatableType]
public sealed record ImportQuery([property: Flag] string? dryRun, [property: Flag] string? async, [property: OneOf(typeof(ImportKinds), nameof(ImportKinds.TypeNames))] string? type);

/// <summary>The kind of row an import template is for, as in ?type= of an import.</summary>
[ValidatableType]
public sealed record ImportTemplateQuery([property: Required, OneOf(typeof(ImportKinds), nameof(ImportKinds.TypeNames))] string? type);
