using System.Globalization;
using System.Text.Json;

namespace Grassroots.Dashboard.Tests.Support;

/// <summary>An API figure written as the page writes it (zh-CN grouping; coverage as a percentage with one decimal).</summary>
public static class Figures
{
    public static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Percent(double share) => (share * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    public static string Number(this JsonElement totals, string field) => Number(totals.GetProperty(field).GetInt64());

    public static string Coverage(this JsonElement totals) => Percent(totals.GetProperty("coverage").GetDouble());
}
