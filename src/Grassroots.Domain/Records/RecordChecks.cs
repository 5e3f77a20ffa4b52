using Grassroots.Domain.Campaigns;
using Grassroots.Domain.Honorees;

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
        if (campaign is null) throw new FieldValidationException("campaignId", new Message(MessageKeys.NoCampaign, data.CampaignId));
        var day = data.Day;
        if (!campaign.Covers(day))
            throw new FieldValidationException(kind.DateField, new Message(MessageKeys.OutsideCampaign, day.Iso(), campaign.StartsOn.Iso(),
                campaign.EndsOn is { } ends ? (object)ends.Iso() : new Message(MessageKeys.OpenEnd)));
        if (day > today) throw new FieldValidationException(kind.DateField, new Message(MessageKeys.InTheFuture, day.Iso()));
        await kind.CheckReferencesAsync(data, honorees);
    }
}
