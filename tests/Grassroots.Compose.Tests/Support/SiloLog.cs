using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Grassroots.Compose.Tests.Support;

/// <summary>
/// A silo's console log as docker-compose.yml configures it, read as an operator's log shipper reads it: one JSON
/// object per line, with an ISO-8601 UTC timestamp, a level, a category and the scopes. A line that is not such an
/// object fails the read.
/// </summary>
public static partial class SiloLog
{
    public sealed record Entry(DateTimeOffset Timestamp, string Level, string Category, string Message, JsonElement Line)
    {
        public bool IsWarningOrWorse => Level is "Warning" or "Error" or "Critical";

        /// <summary>The scopes' values by name (TraceId, SpanId, BranchId, GrainId, …).</summary>
        public Dictionary<string, string> Scopes =>
            Line.TryGetProperty("Scopes", out var scopes) && scopes.ValueKind == JsonValueKind.Array
                ? scopes.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.Object).SelectMany(s => s.EnumerateObject())
                    .GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.Last().Value.ToString())
                : [];

        public override string ToString() => $"{Timestamp:O} {Level} {Category}: {(Message.Length > 300 ? Message[..300] + "…" : Message)}";
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")]
    private static partial Regex IsoUtc();

    public static List<Entry> Parse(string service, string log)
    {
        var entries = new List<Entry>();
        foreach (var line in log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            JsonElement json;
            try
            {
                json = JsonDocument.Parse(line).RootElement;
            }
            catch (JsonException)
            {
                throw new Xunit.Sdk.XunitException($"{service} logged a line that is not JSON: {line}");
            }
            var timestamp = json.TryGetProperty("Timestamp", out var t) ? t.GetString() ?? "" : "";
            Assert.True(IsoUtc().IsMatch(timestamp), $"{service} logged a line without an ISO-8601 UTC timestamp: {line}");
            var level = json.TryGetProperty("LogLevel", out var l) ? l.GetString() : null;
            var category = json.TryGetProperty("Category", out var c) ? c.GetString() : null;
            Assert.True(level is not null && category is not null, $"{service} logged a line without a level or a category: {line}");
            entries.Add(new Entry(DateTimeOffset.Parse(timestamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal), level,
                category, json.TryGetProperty("Message", out var message) ? message.GetString() ?? "" : "", json.Clone()));
        }
        return entries;
    }

    public static string Describe(IEnumerable<Entry> entries) => string.Join("\n", entries.Take(30));
}
