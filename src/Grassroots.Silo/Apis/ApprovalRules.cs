using Grassroots.Domain.Approvals;

namespace Grassroots.Silo.Apis;

/// <summary>A reporting period in a path: a month written YYYY-MM or an ISO week written YYYY-Www (2020-12, 2020-W49).</summary>
public sealed class PeriodAttribute : FieldRuleAttribute
{
    public override void Check(Validator v, string field, object value, Context context)
    {
        if (!ReportingPeriod.TryParse(value as string, out _))
            v.Fail(field, "Must be a month written YYYY-MM or an ISO week written YYYY-Www, e.g. 2020-12 or 2020-W49.");
    }

    public override FieldShape Shape => new("string")
    {
        Pattern = ReportingPeriod.Pattern, Description = "A month (YYYY-MM) or an ISO week, Monday to Sunday (YYYY-Www), of the campaign's kind.",
    };
}

/// <summary>
/// A campaign's approval path: the levels that sign off, lowest first, each once — two to four of county, city,
/// province, national (e.g. county, province, national: counties submit, provinces approve them and submit their own,
/// headquarters approves those).
/// </summary>
public sealed class ApprovalPathAttribute : FieldRuleAttribute
{
    public override void Check(Validator v, string field, object value, Context context)
    {
        var levels = (IReadOnlyList<string?>)value;
        if (levels.Any(l => l is null)) v.Fail(field, $"Each level is one of: {string.Join(", ", ApprovalLevels.All)}.");
        else if (ApprovalLevels.Problem([.. levels!]) is { } problem) v.Fail(field, problem);
    }

    public override FieldShape Shape => new("array")
    {
        MinItems = 2, MaxItems = ApprovalLevels.All.Length, Items = new FieldShape("string") { Enum = ApprovalLevels.All },
        Description = "The levels that sign off, lowest first, each once (default: county, province, national).",
    };
}
