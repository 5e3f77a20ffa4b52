using Grassroots.Domain.Caching;
using Grassroots.Domain.Model;

namespace Grassroots.Domain.Records;

/// <summary>
/// What a record's data must satisfy beyond its fields' own rules, stated once for the record grains and for imports
/// decided in bulk: its campaign exists and covers its day, the day is not in the future, and what it
/// names (a talk's honorees) exists. Each failure is a <see cref="FieldValidationException"/> naming the field.
/// </summary>
public static class RecordChecks
{
    public static async Task CheckAsync(RecordKind kind, RecordData data, Campaign? campaign, DateOnly today, HonoreeDirectory honorees)
    {
        if (campaign is null) throw new FieldValidationException("campaignId", $"No campaign has the id '{data.CampaignId}'.");
        var day = data.Day;
        if (!campaign.Covers(day))
            throw new FieldValidationException(kind.DateField,
                $"{day:yyyy-MM-dd} is outside the campaign ({campaign.StartsOn:yyyy-MM-dd} to {campaign.EndsOn?.ToString("yyyy-MM-dd") ?? "open"}).");
        if (day > today) throw new FieldValidationException(kind.DateField, $"{day:yyyy-MM-dd} is in the future.");
        await kind.CheckReferencesAsync(data, honorees);
    }
}
