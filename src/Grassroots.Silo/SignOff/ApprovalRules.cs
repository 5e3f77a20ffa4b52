using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using Grassroots.Domain;
using Grassroots.Domain.Campaigns;
using Grassroots.Silo.Apis;
using Microsoft.OpenApi;

namespace Grassroots.Silo.SignOff;

/// <summary>The values of sign-off's fields, with their Chinese labels.</summary>
public static class ApprovalChoices
{
    /// <summary>A campaign's reporting period (<see cref="PeriodKinds"/>).</summary>
    public static readonly Choices ReportingPeriods = new((PeriodKinds.Week, "周"), (PeriodKinds.Month, "月"));

    /// <summary>A period's states (<see cref="PeriodStates"/>), as the dashboard and the reports name them.</summary>
    public static readonly Choices States = new(("open", "未上报"), ("submitted", "已上报"), ("approved", "已审核"), ("returned", "已退回"));

    /// <summary>
    /// A child region's sign-off of a period in a word or two: its own state when it submits, else how far the regions
    /// inside it are ("已审核 3/7，待审 2"), or "—" when none inside it submits.
    /// </summary>
    public static string Describe(ChildState child)
    {
        if (child.State is { } state) return States.Label(state)!;
        var b = child.Below;
        var inside = b.Open + b.Submitted + b.Approved + b.Returned;
        return inside == 0 ? "—" : $"已审核 {b.Approved}/{inside}" + (b.Submitted > 0 ? $"，待审 {b.Submitted}" : "");
    }
}

/// <summary>A reporting period in a path: a month written YYYY-MM or an ISO week written YYYY-Www (2020-12, 2020-W49).</summary>
public sealed class PeriodAttribute : ValidationAttribute, ISchemaRule
{
    protected override ValidationResult? IsValid(object? value, ValidationContext context) =>
        value is null || ReportingPeriod.TryParse(value as string, out _)
            ? ValidationResult.Success
            : new MessageResult(new(MessageKeys.Period));

    public void Describe(OpenApiSchema schema)
    {
        schema.Pattern = ReportingPeriod.Pattern;
        schema.Description = "A month (YYYY-MM) or an ISO week, Monday to Sunday (YYYY-Www), of the campaign's kind.";
    }
}

/// <summary>
/// A campaign's approval path: the levels that sign off, lowest first, each once — two to four of county, city,
/// province, national (e.g. county, province, national: counties submit, provinces approve them and submit their own,
/// headquarters approves those).
/// </summary>
public sealed class ApprovalPathAttribute : ValidationAttribute, ISchemaRule
{
    protected override ValidationResult? IsValid(object? value, ValidationContext context)
    {
        if (value is not IReadOnlyList<string?> levels) return ValidationResult.Success;
        if (levels.Any(l => l is null)) return new MessageResult(new(MessageKeys.ApprovalLevelOneOf, string.Join(", ", ApprovalLevels.All)));
        return ApprovalLevels.Problem([.. levels!]) is { } problem ? new MessageResult(problem) : ValidationResult.Success;
    }

    public void Describe(OpenApiSchema schema)
    {
        (schema.MinItems, schema.MaxItems) = (2, ApprovalLevels.All.Length);
        schema.Items = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. ApprovalLevels.All.Select(l => (JsonNode)JsonValue.Create(l))] };
        schema.Description = "The levels that sign off, lowest first, each once (default: county, province, national).";
    }
}
